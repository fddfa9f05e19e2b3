/**
 * The contract on NestJS 11 and 12, on its Express or Fastify platform. One call after
 * `NestFactory.create()`: the platform underneath is adapted (404 / 405 + Allow / OPTIONS / 501
 * from Nest's own routes, `X-Request-Id`, malformed HTTP), a global guard runs each route's contract (auth 6/7/8/9 before
 * the body, the hardened body 413/415/3/4, validation 3/5/4), and a global filter answers whatever
 * is thrown (Nest's `HttpException`s included, their `errorCode` naming a registered code) with the
 * contract's JSON.
 */
import {
  type ArgumentMetadata,
  type ArgumentsHost,
  type CanActivate,
  createParamDecorator,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  ValidationPipe as NestValidationPipe,
  NotFoundException,
  SetMetadata,
  type ValidationPipeOptions,
} from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import type { Express } from "express";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../../api-error.js";
import type { ViolationLocation } from "../../details.js";
import { type ProtectOption, protectServer } from "../../node/protect.js";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import type { Pipeline, PipelineOptions } from "../../pipeline/pipeline.js";
import { type Answer, isThenable, type Pass } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import { pathOf } from "../../pipeline/routes.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { type ClassValidatorErrorLike, fromClassValidatorErrors } from "../../validation/foreign.js";
import { frameworkErrors as fastifyFrameworkErrors } from "../fastify/index.js";
import { expressPlatform, fastifyPlatform, type Platform } from "./platforms.js";

export { clientErrorResponse, type ProtectOptions, protectServer } from "../../node/protect.js";
export * from "../../pipeline/public.js";
/**
 * The option of `new FastifyAdapter({ frameworkErrors })` that answers what Fastify's router refuses
 * before any hook runs (bad percent-encoding, an overlong path parameter) by the contract. Fastify
 * takes it only when the instance is made, before `apiErrorCodes(app)` can add anything.
 */
// Typed without Fastify's types, which an app on Nest's Express platform does not have installed.
export const frameworkErrors: (error: Error, request: unknown, reply: unknown) => void =
  fastifyFrameworkErrors as (error: Error, request: unknown, reply: unknown) => void;

const NAME = "api-error-codes/nest";
const CONTRACT = "api-error-codes:contract";

/** The pipeline's options, and `protect` for the server Nest makes. */
export interface NestApiOptions<P extends PrincipalFields = Principal>
  extends PipelineOptions<P>,
    ProtectOption {}

/** What `@Checked()` gives a handler whose route has contract `C`. */
export type Validated<
  C extends RouteContract = RouteContract,
  P extends PrincipalFields = Principal,
> = ValidatedRequest<P, C>;

/**
 * A route's contract, run by the adapter's guard before the handler: `auth` (with `roles` /
 * `scopes`) and `schema` (`params`, `query`, `headers`, `body`: JSON Schema, zod, TypeBox or any
 * Standard Schema), exactly as on every other adapter.
 * @example
 * @Get(":id") @Contract({ schema: { params: IdParams } })
 */
export function Contract(contract: RouteContract): MethodDecorator {
  return SetMetadata(CONTRACT, contract);
}

const PASSED = Symbol("api-error-codes.passed");
/** Nest's request object on either platform (Express's `req`, Fastify's `request`). */
type Req = { body?: unknown; [PASSED]?: Pass<PrincipalFields> };

/**
 * The route's validated, converted parts and principal: what passed its contract.
 * @example
 * @Post() @Contract({ auth: true, schema: { body: NewOrder } })
 * create(@Checked() { body, principal }: Validated<typeof contract>) { ... }
 */
export const Checked = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<Req>()[PASSED],
);

/** class-validator's errors of one argument, until the pipe knows where the argument came from. */
class Invalid extends Error {
  constructor(readonly errors: readonly ClassValidatorErrorLike[]) {
    super("invalid");
  }
}

const LOCATIONS: Readonly<Record<string, ViolationLocation>> = {
  body: "body",
  query: "query",
  param: "path",
};

/**
 * Nest's `ValidationPipe` (class-validator DTOs) whose failures are the contract's 3 / 5 / 4 with a
 * violation and pointer per broken constraint, instead of a 400 with a list of sentences.
 * @example
 * app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
 */
export class ValidationPipe extends NestValidationPipe {
  constructor(options: Omit<ValidationPipeOptions, "exceptionFactory"> = {}) {
    super({ ...options, exceptionFactory: (errors) => new Invalid(errors as ClassValidatorErrorLike[]) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      throw ApiError.fromViolations(
        fromClassValidatorErrors(error.errors, LOCATIONS[metadata.type] ?? "body"),
      );
    }
  }
}

/** A refusal the guard decided: the filter sends it as it is. */
class Refused extends Error {
  constructor(readonly answer: Answer) {
    super(`${answer.status}`);
  }
}

/** A request that passed: what `@Checked()` and `@Body()` read; a refusal goes to the filter. */
function admit(req: Req, outcome: Answer | Pass<PrincipalFields>): true {
  if (outcome.kind === "answer") throw new Refused(outcome);
  req[PASSED] = outcome;
  // The hardened parse (Nest's own body parser is off).
  req.body = outcome.body;
  return true;
}

/** The adapter for one Nest application; made by {@link apiErrorCodes}. */
export class NestApi<P extends PrincipalFields = Principal> implements CanActivate, ExceptionFilter {
  private readonly platform: Platform<P>;
  private readonly reflector = new Reflector();
  private readonly prepared = new WeakMap<object, PreparedRoute | null>();

  constructor(app: INestApplication, options: NestApiOptions<P>) {
    const http = app.getHttpAdapter();
    const type = http.getType();
    if (type === "express") this.platform = expressPlatform(http.getInstance() as Express, options, NAME);
    else if (type === "fastify")
      this.platform = fastifyPlatform(http.getInstance() as FastifyInstance, options, NAME);
    else throw new TypeError(`${NAME}: the ${type} platform is not supported (express and fastify are)`);
    const { protect = {} } = options;
    if (protect !== false) protectServer(app.getHttpServer(), protect);
  }

  get pipeline(): Pipeline<P> {
    return this.platform.pipeline;
  }

  /**
   * The global guard: the route's contract, or the hardened body and query for a route without one.
   * Synchronous unless a token lookup, a body or a schema has to be awaited.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== "http") return true;
    const req = context.switchToHttp().getRequest<Req>();
    const handler = context.getHandler();
    let route = this.prepared.get(handler);
    if (route === undefined) {
      const contract = this.reflector.get(CONTRACT, handler) as RouteContract | undefined;
      const where = `${NAME}: ${context.getClass().name}.${handler.name}`;
      route = contract === undefined ? null : this.pipeline.prepare(contract, where);
      this.prepared.set(handler, route);
    }
    const outcome = this.platform.check(req, route ?? undefined);
    return isThenable(outcome)
      ? Promise.resolve(outcome).then((done) => admit(req, done))
      : admit(req, outcome);
  }

  /** The global filter: every exception becomes the contract's answer. */
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Req>();
    this.platform.write(req, http.getResponse(), this.answerFor(exception, req));
  }

  private answerFor(exception: unknown, req: Req): Answer {
    if (exception instanceof Refused) return exception.answer;
    const context = this.platform.errorContext(req);
    // Nest's router answers a path no controller has with its own NotFoundException.
    const unknown =
      exception instanceof NotFoundException &&
      this.pipeline.table.resolve(context.method, pathOf(context.target)).kind === "not_found";
    return unknown ? this.pipeline.notFound(context) : this.pipeline.fail(exception, context);
  }
}

/**
 * Makes a Nest application keep the contract; call it after `NestFactory.create(AppModule,
 * { bodyParser: false })` and before `app.listen()`.
 * @example
 * const app = await NestFactory.create(AppModule, { bodyParser: false });
 * apiErrorCodes(app, { auth: { lookup: findSession } });
 */
export function apiErrorCodes<P extends PrincipalFields = Principal>(
  app: INestApplication,
  options: NestApiOptions<P> = {},
): NestApi<P> {
  const api = new NestApi<P>(app, options);
  // biome-ignore lint/correctness/useHookAtTopLevel: Nest's app methods, not React hooks
  app.useGlobalGuards(api);
  // biome-ignore lint/correctness/useHookAtTopLevel: Nest's app methods, not React hooks
  app.useGlobalFilters(api);
  return api;
}
