// Next.js's own signals thrown in a handler: notFound(), unauthorized() and forbidden() are answered
// by the contract, redirect() stays Next's.
import { forbidden, notFound, redirect, unauthorized } from "next/navigation.js";
import { createApi } from "../../../../src/adapters/fetch/index.js";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createApi({ logger: false })
  .get("/signals", {}, ({ query }) => {
    if (query.with === "not-found") notFound();
    if (query.with === "unauthorized") unauthorized();
    if (query.with === "forbidden") forbidden();
    if (query.with === "redirect") redirect("/items/1");
    throw new Error("the password is hunter2");
  })
  .routeHandlers();
