// Reads a JSON array of xAPI statements on stdin and prints the problems
// Learning Locker's validator (npm xapi-validation) finds, per statement.
const validate = require("xapi-validation").default;
let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const problems = [];
  JSON.parse(input).forEach((statement, i) => {
    const warnings = validate(statement);
    warnings.forEach((w) => problems.push({ index: i, path: w.path.join("."), message: w.message, data: w.data }));
  });
  process.stdout.write(JSON.stringify(problems));
});
