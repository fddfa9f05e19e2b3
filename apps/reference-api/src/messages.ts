/**
 * The service's German: the library's catalogue plus the service's own messages, keyed by their
 * English text, and its code 100.
 */
import { de, type Messages } from "api-error-codes";
import { TOO_MANY_ATTEMPTS } from "./errors.js";

export const german: Messages = {
  ...de,
  codes: {
    ...de.codes,
    [TOO_MANY_ATTEMPTS.code]: "Zu viele fehlgeschlagene Anmeldeversuche, bitte später erneut versuchen",
  },
  texts: {
    ...de.texts,
    "The refresh token has expired": "Das Refresh-Token ist abgelaufen",
    "The refresh token was already used; the session is revoked":
      "Das Refresh-Token wurde schon benutzt; die Sitzung ist widerrufen",
    "The refresh token is not valid": "Das Refresh-Token ist ungültig",
    "The e-mail address or the password is wrong": "Die E-Mail-Adresse oder das Passwort ist falsch",
  },
};
