console.log("bench: pending");
