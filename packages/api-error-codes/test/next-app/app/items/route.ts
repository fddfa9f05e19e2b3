// A route file of its own for /items: it exports every method, so PUT or DELETE is 405 + Allow.
import { api } from "../../api.js";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api.routeHandlers();
