// A plain HTTP health endpoint for the tracker namespace test: `http-health-server.ts ADDRESS PORT` answers
// 200 "ok" to every GET and prints "listening". It runs until the test kills it by pid.
import { createServer } from "node:http";

const [host = "127.0.0.1", portText = "8080"] = process.argv.slice(2);
const server = createServer((_req, res) => res.end("ok\n"));
server.listen(Number(portText), host, () => console.log("listening"));
