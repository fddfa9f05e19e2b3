// The reference API (issue 5) is not built yet; `npm start` says so instead of failing obscurely.
console.log("reference-api: not implemented yet — see the README for what exists today.");
