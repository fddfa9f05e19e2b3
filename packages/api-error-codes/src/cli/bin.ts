#!/usr/bin/env node
console.log("api-error-codes");
