// Languages and Problem Details: one app that says its errors in English and German, and in RFC 9457
// form to a client that asks for it.
import { ApiError, de, type Messages } from "api-error-codes";
import { createApi } from "api-error-codes/node";

// #region catalogue
// German as shipped, plus the app's own messages (keyed by their English text). A catalogue for
// "en" would override English the same way.
const german: Messages = {
  ...de,
  texts: { ...de.texts, "Order already shipped": "Die Bestellung ist schon versandt" },
};
// #endregion

export function buildApi() {
  // #region app
  return createApi({ languages: { de: german }, problemDetails: true })
    .get("/orders/:id", {}, ({ params }) => {
      throw ApiError.notExist({ resource: "order", id: String(params.id) });
    })
    .post("/orders/:id/cancel", {}, () => {
      throw ApiError.invalidValue([], { status: 409, message: "Order already shipped" });
    });
  // #endregion
}
