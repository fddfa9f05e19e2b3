// docs/existing-app.md: a code for 429, which rate limiters answer.
// #region recipe
import { registerCode } from "api-error-codes";

registerCode({ code: 100, name: "RATE_LIMITED", status: 429, message: "Too many requests" });
// #endregion
