/**
 * What operators look at: `/metrics` (the library's `api_error_answers_total` counter and this
 * process's default metrics, in Prometheus text) and `/status`, a page with a live chart of error
 * answers per code over the last minutes. The chart reads `/status/errors.json`, which the server
 * keeps by sampling the counter: the page shows history as soon as it opens.
 */
import { ApiError, getCode } from "api-error-codes";
import { collectDefaultMetrics, type Registry } from "prom-client";
import { type RouteSpec, route } from "./routes/spec.js";

/** The library's counter (see docs/observability.md). */
const COUNTER = "api_error_answers_total";

interface Sample {
  /** Error answers per code since the process started. */
  totals: Map<number, number>;
}

export interface ErrorSeries {
  /** Milliseconds between two points. */
  intervalMs: number;
  /** One entry per code seen in the window: answers per interval, oldest first, and their sum. */
  codes: { code: number; name: string; points: number[]; total: number }[];
}

/** Samples the counter every `intervalMs`, keeping `windowMs` of history. */
export class ErrorHistory {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly size: number;

  constructor(
    private readonly registry: Registry,
    readonly intervalMs = 5_000,
    windowMs = 5 * 60_000,
  ) {
    this.size = Math.max(2, Math.ceil(windowMs / intervalMs) + 1);
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
    void this.sample();
  }

  private async sample(): Promise<void> {
    const totals = new Map<number, number>();
    const metric = this.registry.getSingleMetric(COUNTER);
    if (metric !== undefined) {
      for (const { value, labels } of (await metric.get()).values) {
        const code = Number(labels.code);
        totals.set(code, (totals.get(code) ?? 0) + value);
      }
    }
    this.samples.push({ totals });
    if (this.samples.length > this.size) this.samples.shift();
  }

  /** Answers per code and interval over the window. */
  series(): ErrorSeries {
    const codes = new Set<number>();
    for (const sample of this.samples) for (const code of sample.totals.keys()) codes.add(code);
    return {
      intervalMs: this.intervalMs,
      codes: [...codes]
        .sort((a, b) => a - b)
        .map((code) => {
          const points = this.samples
            .slice(1)
            .map((sample, i) => (sample.totals.get(code) ?? 0) - (this.samples[i]?.totals.get(code) ?? 0));
          return {
            code,
            name: getCode(code)?.name ?? String(code),
            points,
            total: points.reduce((a, b) => a + b, 0),
          };
        }),
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const STATUS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error answers - status</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="stylesheet" href="/status/status.css">
</head>
<body>
<h1>Error answers per code</h1>
<p id="window">Waiting for the first samples...</p>
<svg id="chart" role="img" aria-labelledby="window" viewBox="0 0 600 200" width="600" height="200"></svg>
<ul id="legend"></ul>
<p>The counter behind it: <a href="/metrics">/metrics</a>. Codes: <a href="/docs">/docs</a>.</p>
<script src="/status/chart.js"></script>
</body>
</html>
`;

const CSS = `body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
#chart { border: 1px solid #d0d0d0; background: #fafafa; }
#legend { list-style: none; padding: 0; }
#legend li { margin: 0.2rem 0; }
#legend span { display: inline-block; width: 0.9rem; height: 0.9rem; margin-right: 0.4rem; vertical-align: middle; }
`;

// One polyline per code, scaled to the largest count of any interval; redrawn every interval.
const CHART_JS = `(function () {
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#d1495b", "#edae49", "#00798c", "#30638e", "#003d5b", "#8f2d56", "#6a994e", "#bc4749"];
  var svg = document.getElementById("chart");
  var legend = document.getElementById("legend");
  function draw(series) {
    var max = 1, length = 0;
    series.codes.forEach(function (c) {
      length = Math.max(length, c.points.length);
      c.points.forEach(function (p) { max = Math.max(max, p); });
    });
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    legend.textContent = "";
    series.codes.forEach(function (c, i) {
      var color = COLORS[i % COLORS.length];
      var step = length > 1 ? 600 / (length - 1) : 600;
      var line = document.createElementNS(NS, "polyline");
      line.setAttribute("points", c.points.map(function (p, x) {
        return (x * step).toFixed(1) + "," + (195 - (p / max) * 185).toFixed(1);
      }).join(" "));
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", color);
      line.setAttribute("stroke-width", "2");
      line.setAttribute("data-code", String(c.code));
      svg.appendChild(line);
      var item = document.createElement("li");
      item.setAttribute("data-code", String(c.code));
      item.setAttribute("data-total", String(c.total));
      var swatch = document.createElement("span");
      swatch.style.background = color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(c.code + " " + c.name + ": " + c.total));
      legend.appendChild(item);
    });
    var minutes = Math.round((length * series.intervalMs) / 6000) / 10;
    document.getElementById("window").textContent =
      "Error answers per " + series.intervalMs / 1000 + " s over the last " + minutes + " min.";
  }
  function poll() {
    fetch("/status/errors.json").then(function (r) { return r.json(); }).then(function (series) {
      draw(series);
      setTimeout(poll, series.intervalMs);
    }, function () { setTimeout(poll, 5000); });
  }
  poll();
})();
`;

const OWN: Readonly<Record<string, { type: string; body: string }>> = {
  "chart.js": { type: "text/javascript; charset=utf-8", body: CHART_JS },
  "status.css": { type: "text/css; charset=utf-8", body: CSS },
};

/** `/metrics`, `/status` and what the page loads; served, left out of the OpenAPI document. */
export function statusRoutes(registry: Registry, history: ErrorHistory): RouteSpec[] {
  collectDefaultMetrics({ register: registry });
  const hidden = { tag: "service", hidden: true, errors: [0] } as const;
  return [
    route({
      ...hidden,
      method: "GET",
      url: "/metrics",
      operationId: "getMetrics",
      summary: "Prometheus metrics",
      success: { status: 200, description: "Prometheus text.", mediaType: "text/plain" },
      handler: async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    }),
    route({
      ...hidden,
      method: "GET",
      url: "/status",
      operationId: "getStatus",
      summary: "Error answers per code, live",
      success: { status: 200, description: "An HTML page.", mediaType: "text/html" },
      handler: async (_request, reply) =>
        reply.header("content-security-policy", STATUS_CSP).type("text/html; charset=utf-8").send(PAGE),
    }),
    route({
      ...hidden,
      method: "GET",
      url: "/status/errors.json",
      operationId: "getStatusSeries",
      summary: "Error answers per code and interval",
      success: { status: 200, description: "The chart's data." },
      handler: async () => history.series(),
    }),
    route({
      ...hidden,
      method: "GET",
      url: "/status/:file",
      operationId: "getStatusFile",
      summary: "A file of the status page",
      params: { type: "object", required: ["file"], properties: { file: { type: "string", maxLength: 64 } } },
      success: { status: 200, description: "The file." },
      errors: [10],
      handler: async (request, reply) => {
        const { file } = request.params;
        const own = Object.hasOwn(OWN, file) ? OWN[file] : undefined;
        if (own === undefined) throw ApiError.notExist({ resource: "file", id: file });
        return reply.type(own.type).send(own.body);
      },
    }),
  ];
}
