/** Log in, refresh, log out. */
import { ApiError } from "api-error-codes";
import { principalOf } from "api-error-codes/fastify";
import type { FastifyRequest } from "fastify";
import type { Services } from "../app.js";
import type { AuthUser } from "../domain/tokens.js";
import { normalizeEmail } from "../domain/users.js";
import { tooManyAttempts } from "../errors.js";
import { Credentials, RefreshRequest, TokenPair } from "./schemas.js";
import { AUTH_ERRORS, BODY_ERRORS, DATABASE_ERRORS, type RouteSpec, route, UNKNOWN } from "./spec.js";

/** Token answers must not be cached anywhere (RFC 6749 section 5.1). */
const NO_STORE = {
  "Cache-Control": { description: "Always `no-store`.", schema: { type: "string", enum: ["no-store"] } },
};

/** The principal of a route with `auth`: the library guarantees it is there. */
export function caller(request: FastifyRequest): AuthUser {
  const user = principalOf<AuthUser>(request);
  if (user === undefined) throw ApiError.authNotProvided();
  return user;
}

export function authRoutes(s: Services): RouteSpec[] {
  return [
    route({
      method: "POST",
      url: "/v1/auth/token",
      operationId: "createToken",
      tag: "auth",
      summary: "Log in",
      description:
        "Exchanges an e-mail address and password for a new session's access and refresh tokens. Repeated failures for one account or from one address are throttled (429 / 100).",
      body: Credentials,
      success: {
        status: 201,
        description: "The new session's tokens.",
        schema: TokenPair,
        headers: NO_STORE,
      },
      errors: [...BODY_ERRORS, 7, 100, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request, reply) => {
        const { email, password } = request.body;
        const keys = { account: normalizeEmail(email), address: request.ip };
        // Checked before the password: a throttled attacker learns nothing from further guesses.
        const wait = await s.throttle.blockedFor(keys);
        if (wait > 0) throw tooManyAttempts(wait);
        const user = await s.users.findByEmail(email);
        const valid =
          user === undefined
            ? await s.hasher.verifyDecoy(password)
            : await s.hasher.verify(password, user.password_hash);
        if (user === undefined || !valid) {
          await s.throttle.failed(keys);
          throw ApiError.authInvalid({ message: "The e-mail address or the password is wrong" });
        }
        await s.throttle.succeeded(keys);
        const pair = await s.tokens.issue(user);
        return reply.code(201).header("cache-control", "no-store").send(pair);
      },
    }),
    route({
      method: "POST",
      url: "/v1/auth/refresh",
      operationId: "refreshToken",
      tag: "auth",
      summary: "Rotate the tokens",
      description:
        "Exchanges a refresh token for a new pair; the old pair stops working. A refresh token is single use: presenting one again revokes its whole session (7).",
      body: RefreshRequest,
      success: {
        status: 201,
        description: "The session's new tokens.",
        schema: TokenPair,
        headers: NO_STORE,
      },
      errors: [...BODY_ERRORS, 7, 8, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request, reply) => {
        const { refresh_token: token } = request.body;
        const pair = await s.tokens.refresh(token);
        return reply.code(201).header("cache-control", "no-store").send(pair);
      },
    }),
    route({
      method: "DELETE",
      url: "/v1/auth/token",
      operationId: "revokeToken",
      tag: "auth",
      summary: "Log out",
      description: "Ends the session of the access token: its access and refresh tokens stop working.",
      auth: true,
      success: { status: 204, description: "The session is ended." },
      errors: [...AUTH_ERRORS, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request, reply) => {
        await s.tokens.revokeSession(caller(request).session_id);
        return reply.code(204).send();
      },
    }),
  ];
}
