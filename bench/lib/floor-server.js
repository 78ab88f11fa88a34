'use strict';
/**
 * The HTTP floors of bench/run.js (the baseline the performance targets start from: a bare
 * Nest-on-Fastify endpoint answers about 23,000 req/s): `node bench/lib/floor-server.js
 * fastify|nest PORT` serves GET /scim/v2/hello → {"hello":"world"} with the project's own fastify /
 * @nestjs/* packages, nothing else (no hooks, no guards, no logger), and prints "ready" once
 * listening.
 */
require('reflect-metadata');

const [kind, portText] = process.argv.slice(2);
const port = Number(portText);
const HOST = '127.0.0.1';

async function fastifyFloor() {
  const app = require('fastify')({ logger: false });
  app.get('/scim/v2/hello', async () => ({ hello: 'world' }));
  await app.listen({ port, host: HOST });
}

async function nestFloor() {
  const { Controller, Get, Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { FastifyAdapter } = require('@nestjs/platform-fastify');
  class HelloController {
    hello() {
      return { hello: 'world' };
    }
  }
  Controller('scim/v2')(HelloController);
  Get('hello')(HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
  class HelloModule {}
  Module({ controllers: [HelloController] })(HelloModule);
  const app = await NestFactory.create(HelloModule, new FastifyAdapter(), { logger: false });
  await app.listen(port, HOST);
}

const start = { fastify: fastifyFloor, nest: nestFloor }[kind];
if (!start || !(port > 0)) {
  process.stderr.write('usage: floor-server.js fastify|nest PORT\n');
  process.exit(2);
}
start().then(
  () => process.stdout.write('ready\n'),
  (e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
