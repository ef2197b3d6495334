// PouchDB side of benchmarks/bench_pull_vs_pouchdb.py: a fresh on-disk PouchDB (leveldb) replicating rows
// from a CouchDB-compatible server on loopback.
//
//   node replicate.js ROWS.jsonl WORKDIR [BATCH_SIZE]
//
// ROWS.jsonl has one document a line ({_id, table, ...row}). A child process (this file with `serve`)
// loads them into an in-memory PouchDB served over HTTP by express-pouchdb on 127.0.0.1 (not timed), so
// source and replica run on separate processes, as our server and laptop do. Then this process times
// PouchDB.replicate(source URL -> WORKDIR/replica) and prints one JSON line: docs, seconds, docs/s, its
// CPU seconds, the server's CPU seconds during the replication and the HTTP bytes the server read and wrote.
"use strict";

const { fork } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");

const PouchDB = require("pouchdb");

function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function serve(rowsPath, workdir) {
  PouchDB.plugin(require("pouchdb-adapter-memory"));
  const MemoryDB = PouchDB.defaults({ adapter: "memory" });
  const source = new MemoryDB("source");
  let batch = [];
  let loaded = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(rowsPath) });
  for await (const line of lines) {
    if (!line) continue;
    batch.push(JSON.parse(line));
    if (batch.length === 1000) {
      loaded += (await source.bulkDocs(batch)).length;
      batch = [];
    }
  }
  if (batch.length) loaded += (await source.bulkDocs(batch)).length;

  process.chdir(workdir); // express-pouchdb writes its log file in the working directory
  const app = require("express")();
  const requests = {};
  app.use((req, _res, next) => {
    const parts = req.path.split("/").filter(Boolean);
    const route = parts[1] || (parts[0] ? "db" : "root");
    requests[route] = (requests[route] || 0) + 1;
    next();
  });
  app.use(require("express-pouchdb")(MemoryDB, { mode: "minimumForPouchDB", inMemoryConfig: true }));
  const sockets = new Set();
  const server = app.listen(0, "127.0.0.1", () => {
    process.send({ port: server.address().port, loaded });
  });
  server.on("connection", (socket) => sockets.add(socket));
  let cpuStart = 0;
  process.on("message", (msg) => {
    if (msg === "start") {
      cpuStart = cpuSeconds();
      process.send({ started: true });
    } else if (msg === "stop") {
      let read = 0;
      let written = 0;
      for (const s of sockets) {
        read += s.bytesRead;
        written += s.bytesWritten;
      }
      process.send({ cpu: cpuSeconds() - cpuStart, bytesRead: read, bytesWritten: written, requests });
      process.exit(0);
    }
  });
}

function ask(child, message, key) {
  return new Promise((resolve) => {
    const answer = (msg) => {
      if (key in msg) {
        child.off("message", answer);
        resolve(msg);
      }
    };
    child.on("message", answer);
    if (message !== null) child.send(message);
  });
}

async function main(rowsPath, workdir, batchSize) {
  const child = fork(__filename, ["serve", rowsPath, workdir]);
  child.on("exit", (code) => {
    if (code) process.exit(code);
  });
  const { port, loaded } = await ask(child, null, "port");
  const replica = new PouchDB(path.join(workdir, "replica")); // leveldb adapter: on disk
  await ask(child, "start", "started");
  const cpu0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  const info = await PouchDB.replicate(`http://127.0.0.1:${port}/source`, replica, {
    batch_size: batchSize,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - cpu0;
  const server = await ask(child, "stop", "cpu");
  const docs = (await replica.info()).doc_count;
  await replica.close();
  console.log(
    JSON.stringify({
      loaded,
      docs,
      docs_written: info.docs_written,
      ok: info.ok,
      seconds,
      docs_per_s: info.docs_written / seconds,
      batch_size: batchSize,
      cpu_seconds: cpu,
      server_cpu_seconds: server.cpu,
      bytes_received: server.bytesWritten, // HTTP bytes as on the wire, headers included
      bytes_sent: server.bytesRead,
      requests: server.requests,
    }),
  );
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === "serve" ? serve(...args) : main(mode, args[0], Number(args[1] || 100));
run.catch((err) => {
  console.error(err);
  process.exit(1);
});
