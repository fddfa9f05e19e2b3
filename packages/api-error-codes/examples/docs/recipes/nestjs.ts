// docs/existing-app.md: what NestJS needs from the library (no Nest import: the shapes are Nest's).
// #region recipe
import { ApiError, classify, errorResponse, fromClassValidatorErrors } from "api-error-codes";
import type { ValidationError } from "class-validator";

// new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, exceptionFactory }):
export const exceptionFactory = (errors: ValidationError[]) =>
  ApiError.fromViolations(fromClassValidatorErrors(errors));

// In a @Catch() filter's catch(thrown, host), on platform-express:
//   const { status, headers, body } = contractAnswer(thrown);
//   host.switchToHttp().getResponse().status(status).set(headers).send(body);
export const contractAnswer = (thrown: unknown) => errorResponse(classify(thrown));
// #endregion
