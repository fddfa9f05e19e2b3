/**
 * The contract on NestJS 11 and 12, on its Express or Fastify platform. One call after
 * `NestFactory.create()`: the platform underneath is adapted (404 / 405 + Allow / OPTIONS / 501
 * from Nest's own routes, `X-Request-Id`, malformed HTTP), a global guard runs each route's contract (auth 6/7/8/9 before
 * the body, the hardened body 413/415/3/4, validation 3/5/4), and a global filter answers whatever
 * is thrown (Nest's `HttpException`s included, their `errorCode` naming a registered code) with the
 * contract's JSON.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
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
import type { FastifyInstance, FastifyReply } from "fastify";
import { ApiError } from "../../api-error.js";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { writeAnswer } from "../../pipeline/node/port.js";
import { type ProtectOption, protectServer } from "../../pipeline/node/protect.js";
import { checkRequest, passedOf, stateOf } from "../../pipeline/node/state.js";
import type { Pipeline, PipelineOptions } from "../../pipeline/pipeline.js";
import { type Answer, isThenable, type Pass } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import { pathOf } from "../../pipeline/routes.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { type ClassValidatorErrorLike, fromClassValidatorErrors } from "../../validation/foreign.js";
import { frameworkErrors as fastifyFrameworkErrors, send } from "../fastify/index.js";
import { expressPipeline, fastifyPipeline } from "./platforms.js";

export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
export * from "../../pipeline/public.js";
/**
 * For `new FastifyAdapter({ frameworkErrors })`: what Fastify's router refuses before any hook (bad
 * percent-encoding, an overlong path parameter) answered by the contract. Typed without Fastify's
 * types, which an app on Nest's Express platform does not have installed.
 * @example
 * const app = await NestFactory.create(AppModule, new FastifyAdapter({ frameworkErrors }), { bodyParser: false });
 */
export const frameworkErrors: (error: Error, request: unknown, reply: unknown) => void =
  fastifyFrameworkErrors as (error: Error, request: unknown, reply: unknown) => void;

const NAME = "api-error-codes/nest";
const CONTRACT = "api-error-codes:contract";

/** The pipeline's options, and `protect` for the server Nest makes. */
export interface NestApiOptions<P extends PrincipalFields = Principal>
  extends PipelineOptions<P>,
    ProtectOption {}

/**
 * What `@Checked()` gives a handler whose route has contract `C`.
 * @example
 * create(@Checked() { body, principal }: Validated<typeof contract, User>) { ... }
 */
export type Validated<
  C extends RouteContract = RouteContract,
  P extends PrincipalFields = Principal,
> = ValidatedRequest<P, C>;

/**
 * A route's contract (`auth` with `roles` / `scopes`, `schema` of any kind), run by the guard first.
 * @example
 * @Get(":id") @Contract({ schema: { params: IdParams } })
 */
export function Contract(contract: RouteContract): MethodDecorator {
  return SetMetadata(CONTRACT, contract);
}

/** Nest's request object on either platform: Express's `req`, or Fastify's `request` over node's. */
type Req = { body?: unknown; params?: Record<string, string>; raw?: IncomingMessage };
const nodeRequest = (req: Req): IncomingMessage => req.raw ?? (req as IncomingMessage);

/**
 * The route's validated, converted parts and principal: what passed its contract.
 * @example
 * @Post() @Contract({ auth: true, schema: { body: NewOrder } })
 * create(@Checked() { body, principal }: Validated<typeof contract>) { ... }
 */
export const Checked = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  passedOf(nodeRequest(context.switchToHttp().getRequest<Req>()), "@Checked()"),
);

/** class-validator's errors of one argument, until the pipe knows where the argument came from. */
class Invalid extends Error {
  constructor(readonly errors: readonly ClassValidatorErrorLike[]) {
    super("invalid");
  }
}

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
      const where = metadata.type === "param" ? "path" : metadata.type === "query" ? "query" : "body";
      throw ApiError.fromViolations(fromClassValidatorErrors(error.errors, where));
    }
  }
}

/** A refusal the guard decided: the filter sends it as it is. */
class Refused extends Error {
  constructor(readonly answer: Answer) {
    super(`${answer.status}`);
  }
}

/** A request that passed: `@Checked()` reads it, `@Body()` its hardened body; a refusal goes to the filter. */
function admit(req: Req, outcome: Answer | Pass<PrincipalFields>): true {
  if (outcome.kind === "answer") throw new Refused(outcome);
  req.body = outcome.body;
  return true;
}

/** The adapter for one Nest application; made by {@link apiErrorCodes}. */
export class NestApi<P extends PrincipalFields = Principal> implements CanActivate, ExceptionFilter {
  /** The framework-free pipeline behind the app (route table, auth, bodies, error answers). */
  readonly pipeline: Pipeline<P>;
  /** Whether Nest runs on Fastify, else on Express: how an answer is written. */
  private readonly fastify: boolean;
  private readonly reflector = new Reflector();
  private readonly prepared = new WeakMap<object, PreparedRoute | null>();

  constructor(app: INestApplication, options: NestApiOptions<P>) {
    const http = app.getHttpAdapter();
    const type = http.getType();
    if (type !== "express" && type !== "fastify")
      throw new TypeError(`${NAME}: the ${type} platform is not supported (express and fastify are)`);
    this.fastify = type === "fastify";
    const instance = http.getInstance() as Express & FastifyInstance;
    const make = this.fastify ? fastifyPipeline : expressPipeline;
    this.pipeline = make<P>(instance, options, NAME);
    const { protect = {} } = options;
    if (protect !== false) protectServer(app.getHttpServer(), protect);
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
    // Nest's body parser ran (Express 5 leaves `req.body` undefined until one does; on Fastify, ours).
    if (req.body !== undefined)
      throw new TypeError(
        `${NAME}: a body parser read the body first; use NestFactory.create(AppModule, { bodyParser: false })`,
      );
    const outcome = checkRequest(this.pipeline, nodeRequest(req), route ?? undefined, req.params);
    return isThenable(outcome)
      ? Promise.resolve(outcome).then((done) => admit(req, done))
      : admit(req, outcome);
  }

  /** The global filter: every exception becomes the contract's answer. */
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Req>();
    const answer = this.answerFor(exception, req);
    if (this.fastify) send(http.getResponse<FastifyReply>(), answer);
    else writeAnswer(nodeRequest(req), http.getResponse<ServerResponse>(), answer);
  }

  private answerFor(exception: unknown, req: Req): Answer {
    if (exception instanceof Refused) return exception.answer;
    const context = stateOf(nodeRequest(req));
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
