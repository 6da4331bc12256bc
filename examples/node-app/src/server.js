'use strict';
const http = require('node:http');
const { greeting } = require('./greeting');

const port = Number(process.env.PORT || 3000);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/healthz') {
    res.writeHead(204).end();
  } else if (url.pathname === '/hello') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(greeting(url.searchParams.get('name')) + '\n');
  } else {
    res.writeHead(404).end();
  }
});

if (require.main === module) {
  server.listen(port, () => console.log(`listening on ${port}`));
}

module.exports = { server };
