/** The observability pairs' server (see observed.ts): SDK false, the adapter's hooks false. */
import { startObserved } from "./observed.js";

await startObserved({ sdk: false, hooks: false });
