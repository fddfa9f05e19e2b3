// Every path without a route file of its own: the API routes it (404 / 10 for a path it lacks).
import { api } from "../../api.js";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api.routeHandlers();
