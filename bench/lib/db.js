'use strict';
/**
 * Databases for the bench: a fresh SQLite file or a fresh MariaDB/MySQL or PostgreSQL
 * database, seeding straight into the tables (--seed sql), and the raw-database ceiling
 * measured with the same drivers the server uses (better-sqlite3, mysql2, pg).
 */
const { randomBytes, randomUUID } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { summarize } = require('./load');
const { GROUP_SCHEMA, userBody } = require('./data');

const VALUE_KEY_LENGTH = 191;

/** A fresh database; `drop()` removes it. */
async function createDatabase(kind, { mysqlUrl, pgUrl }) {
  const suffix = randomBytes(5).toString('hex');
  if (kind === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'scim-bench-'));
    const file = path.join(dir, 'scim.sqlite');
    return {
      kind,
      file,
      dir,
      url: `sqlite:${file}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `scim_bench_${suffix}`;
  if (kind === 'postgres') {
    return createPostgresDatabase(name, pgUrl);
  }
  const mysql = require('mysql2/promise');
  const admin = await mysql.createConnection({ uri: mysqlUrl });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const u = new URL(mysqlUrl);
  u.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'scim-bench-'));
  return {
    kind,
    name,
    dir,
    url: u.toString(),
    drop: async () => {
      const c = await mysql.createConnection({ uri: mysqlUrl });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `sql` on the PostgreSQL server's maintenance database (the admin URL). */
async function pgAdmin(adminUrl, sql) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh PostgreSQL database on the server of `adminUrl` (any database of it, e.g. postgres). */
async function createPostgresDatabase(name, adminUrl) {
  await pgAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'scim-bench-'));
  return {
    kind: 'postgres',
    name,
    dir,
    url: u.toString(),
    drop: async () => {
      // FORCE: a run that failed may have left the server's connections open
      await pgAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function lookupKey(value) {
  const lower = value.toLowerCase();
  return lower.length <= VALUE_KEY_LENGTH ? lower : Array.from(lower).slice(0, VALUE_KEY_LENGTH).join('');
}

/**
 * Checks that the seeded document is what the server itself would store for the same body
 * (its normalizer, from dist). Throws on a difference; returns false if dist cannot be loaded.
 */
function checkSeedDocument(root) {
  let normalizeResource;
  let registry;
  let profile;
  try {
    ({ normalizeResource } = require(path.join(root, 'dist/src/core/resource/resource.normalizer.js')));
    const { createDefaultRegistry } = require(path.join(root, 'dist/src/core/schema/schema.registry.js'));
    const { profileFor } = require(path.join(root, 'dist/src/core/profile/idp-profile.js'));
    registry = createDefaultRegistry();
    profile = profileFor('lenient');
  } catch (e) {
    return false;
  }
  for (const i of [0, 7, 123456]) {
    const body = userBody(i);
    const { resource } = normalizeResource(body, { registry, resourceType: registry.resourceType('User'), profile });
    if (JSON.stringify(resource) !== JSON.stringify(body)) {
      throw new Error(
        `sql seeding would not store what the server stores:\n  seed   ${JSON.stringify(body)}\n  server ${JSON.stringify(resource)}`,
      );
    }
  }
  return true;
}

/** Column values of user i exactly as TypeOrmUserRepository.create writes them. */
function userRow(i, seq, id, tenantId, created) {
  const body = userBody(i);
  const email = body.emails[0];
  return {
    user: [
      seq,
      id,
      tenantId,
      body.userName,
      body.userName.toLowerCase(),
      body.externalId,
      body.displayName.toLowerCase(),
      1, // active true
      JSON.stringify(body),
      null, // password_hash
      1, // version
      created,
      created,
    ],
    value: [
      tenantId,
      seq,
      'emails',
      0,
      lookupKey(email.value),
      email.value,
      email.value.toLowerCase(),
      email.type.toLowerCase().slice(0, 64),
      1, // is_primary
      JSON.stringify(email),
    ],
  };
}

const USER_COLUMNS =
  'seq, id, tenant_id, user_name, user_name_ci, external_id, display_name_ci, active, doc, password_hash, version, created, last_modified';
const VALUE_COLUMNS = 'tenant_id, owner_seq, attribute, position, value_key, value, value_ci, type_ci, is_primary, item';
const GROUP_COLUMNS = 'id, tenant_id, display_name, display_name_ci, external_id, doc, version, created, last_modified';

/**
 * Seeds users 0..n-1 and a group holding users 0..members-1 straight into the tables.
 * Returns { ids, bigGroupId }.
 */
async function seedSql(db, { tenantId, users, members, log }) {
  const ids = new Array(users);
  for (let i = 0; i < users; i++) {
    ids[i] = randomUUID();
  }
  const base = Date.now() - users;
  const created = (i) => new Date(base + i).toISOString();
  const groupId = randomUUID();
  const groupName = 'Bench Big Group';
  const groupDoc = JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: groupName });
  const now = new Date().toISOString();
  const t0 = performance.now();
  const progress = (done) => {
    if (done % 100000 === 0 || done === users) {
      log(`  seeded ${done}/${users} users (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  };
  if (db.kind === 'sqlite') {
    const Database = require('better-sqlite3');
    const conn = new Database(db.file);
    try {
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.pragma('foreign_keys = ON');
      let seq = Number(conn.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM scim_users').get().m);
      const insUser = conn.prepare(`INSERT INTO scim_users (${USER_COLUMNS}) VALUES (${USER_COLUMNS.split(',').map(() => '?').join(', ')})`);
      const insValue = conn.prepare(`INSERT INTO scim_user_values (${VALUE_COLUMNS}) VALUES (${VALUE_COLUMNS.split(',').map(() => '?').join(', ')})`);
      const batch = conn.transaction((from, to) => {
        for (let i = from; i < to; i++) {
          const r = userRow(i, ++seq, ids[i], tenantId, created(i));
          insUser.run(r.user);
          insValue.run(r.value);
        }
      });
      for (let i = 0; i < users; i += 10000) {
        const to = Math.min(users, i + 10000);
        batch(i, to);
        progress(to);
      }
      const g = conn
        .prepare(`INSERT INTO scim_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, 1, ?, ?)`)
        .run(groupId, tenantId, groupName, groupName.toLowerCase(), groupDoc, now, now);
      const groupSeq = Number(g.lastInsertRowid);
      const insMember = conn.prepare(
        'INSERT INTO scim_group_members (group_seq, member_id, tenant_id, member_type) VALUES (?, ?, ?, ?)',
      );
      conn.transaction(() => {
        for (let i = 0; i < members; i++) {
          insMember.run(groupSeq, ids[i], tenantId, 'User');
        }
      })();
      conn.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      conn.close();
    }
  } else if (db.kind === 'postgres') {
    await seedPostgres(db, { tenantId, users, ids, created, groupId, groupName, groupDoc, now, members, progress });
  } else {
    const mysql = require('mysql2/promise');
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 4, charset: 'utf8mb4_unicode_ci', timezone: 'Z' });
    try {
      const [[{ m }]] = await pool.query('SELECT COALESCE(MAX(seq), 0) AS m FROM scim_users');
      const seq0 = Number(m);
      const BATCH = 1000;
      let next = 0;
      let done = 0;
      const worker = async () => {
        const conn = await pool.getConnection();
        try {
          await conn.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
          for (;;) {
            const from = next;
            if (from >= users) {
              return;
            }
            next += BATCH;
            const to = Math.min(users, from + BATCH);
            const urows = [];
            const vrows = [];
            for (let i = from; i < to; i++) {
              const r = userRow(i, seq0 + i + 1, ids[i], tenantId, created(i));
              urows.push(r.user);
              vrows.push(r.value);
            }
            await conn.query(`INSERT INTO scim_users (${USER_COLUMNS}) VALUES ?`, [urows]);
            await conn.query(`INSERT INTO scim_user_values (${VALUE_COLUMNS}) VALUES ?`, [vrows]);
            const before = done;
            done += to - from;
            if (Math.floor(done / 100000) !== Math.floor(before / 100000) || done === users) {
              progress(done === users ? users : Math.floor(done / 100000) * 100000);
            }
          }
        } finally {
          await conn.query('SET SESSION foreign_key_checks = 1, unique_checks = 1');
          conn.release();
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      const [g] = await pool.query(
        `INSERT INTO scim_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, 1, ?, ?)`,
        [groupId, tenantId, groupName, groupName.toLowerCase(), groupDoc, now, now],
      );
      const groupSeq = g.insertId;
      for (let i = 0; i < members; i += 5000) {
        const rows = [];
        for (let j = i; j < Math.min(members, i + 5000); j++) {
          rows.push([groupSeq, ids[j], tenantId, 'User']);
        }
        await pool.query('INSERT INTO scim_group_members (group_seq, member_id, tenant_id, member_type) VALUES ?', [rows]);
      }
    } finally {
      await pool.end();
    }
  }
  log(`  sql seeding: ${users} users, group of ${members} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { ids, bigGroupId: groupId, bigGroupName: groupName };
}

/**
 * PostgreSQL: ANALYZE, so that the scenarios are planned with the statistics a seeded database
 * has once autovacuum ran (it analyzes a changed table within about a minute); a table never
 * analyzed is planned as nearly empty. Nothing on SQLite and MySQL (InnoDB keeps its
 * statistics as rows change).
 */
async function analyze(db) {
  if (db.kind !== 'postgres') {
    return;
  }
  const { Client } = require('pg');
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

/** `(?, ?), (?, ?)` as PostgreSQL's `($1, $2), ($3, $4)`: `rows` tuples of `width` values. */
function pgTuples(rows, width) {
  let n = 0;
  return Array.from({ length: rows }, () => `(${Array.from({ length: width }, () => `$${++n}`).join(', ')})`).join(', ');
}

/**
 * seedSql on PostgreSQL: multi-row INSERTs on four connections, explicit `seq` values, then the
 * tables' sequences moved past them (the server's INSERTs take the next value).
 */
async function seedPostgres(db, { tenantId, users, ids, created, groupId, groupName, groupDoc, now, members, progress }) {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: db.url, max: 4 });
  try {
    const { rows: [{ m }] } = await pool.query('SELECT COALESCE(MAX(seq), 0) AS m FROM scim_users');
    const seq0 = Number(m);
    const userWidth = USER_COLUMNS.split(',').length;
    const valueWidth = VALUE_COLUMNS.split(',').length;
    const BATCH = 1000; // 13,000 binds per INSERT, under PostgreSQL's 65,535
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (;;) {
        const from = next;
        if (from >= users) {
          return;
        }
        next += BATCH;
        const to = Math.min(users, from + BATCH);
        const urows = [];
        const vrows = [];
        for (let i = from; i < to; i++) {
          const r = userRow(i, seq0 + i + 1, ids[i], tenantId, created(i));
          urows.push(r.user);
          vrows.push(r.value);
        }
        await pool.query(`INSERT INTO scim_users (${USER_COLUMNS}) VALUES ${pgTuples(urows.length, userWidth)}`, urows.flat());
        await pool.query(`INSERT INTO scim_user_values (${VALUE_COLUMNS}) VALUES ${pgTuples(vrows.length, valueWidth)}`, vrows.flat());
        const before = done;
        done += to - from;
        if (Math.floor(done / 100000) !== Math.floor(before / 100000) || done === users) {
          progress(done === users ? users : Math.floor(done / 100000) * 100000);
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await pool.query(`SELECT setval(pg_get_serial_sequence('scim_users', 'seq'), (SELECT MAX(seq) FROM scim_users))`);
    const {
      rows: [g],
    } = await pool.query(
      `INSERT INTO scim_groups (${GROUP_COLUMNS}) VALUES ($1, $2, $3, $4, NULL, $5, 1, $6, $7) RETURNING seq`,
      [groupId, tenantId, groupName, groupName.toLowerCase(), groupDoc, now, now],
    );
    for (let i = 0; i < members; i += 5000) {
      const rows = [];
      for (let j = i; j < Math.min(members, i + 5000); j++) {
        rows.push([g.seq, ids[j], tenantId, 'User']);
      }
      await pool.query(
        `INSERT INTO scim_group_members (group_seq, member_id, tenant_id, member_type) VALUES ${pgTuples(rows.length, 4)}`,
        rows.flat(),
      );
    }
  } finally {
    await pool.end();
  }
}

/**
 * The raw ceiling: single-row INSERT (autocommit) into a scratch table and primary-key SELECT.
 * MySQL and PostgreSQL: C concurrent connections of a mysql2 / pg pool, like the server's pool. SQLite: one
 * connection in this process, sequential (better-sqlite3 is synchronous and the server also
 * has exactly one connection), WAL + synchronous=NORMAL like the server (prepareSqlite).
 */
async function rawCeiling(db, { concurrency, durationS, maxOps, log }) {
  const doc = JSON.stringify(userBody(42));
  if (db.kind === 'sqlite') {
    const Database = require('better-sqlite3');
    const file = path.join(db.dir, 'raw-ceiling.sqlite');
    const conn = new Database(file);
    try {
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      conn.exec('CREATE TABLE bench_raw (seq INTEGER PRIMARY KEY AUTOINCREMENT, id VARCHAR(36) NOT NULL, doc TEXT NOT NULL)');
      const ins = conn.prepare('INSERT INTO bench_raw (id, doc) VALUES (?, ?)');
      const sel = conn.prepare('SELECT seq, id, doc FROM bench_raw WHERE seq = ?');
      const loop = (op) => {
        const lat = [];
        const t0 = performance.now();
        const end = t0 + durationS * 1000;
        for (let i = 0; i < maxOps; i++) {
          const s = performance.now();
          if (s >= end) {
            break;
          }
          op(i);
          lat.push(performance.now() - s);
        }
        const elapsedS = (performance.now() - t0) / 1000;
        return { requests: lat.length, errors: 0, elapsedS, rps: lat.length / elapsedS, ...summarize(lat) };
      };
      const insert = loop(() => ins.run(randomUUID(), doc));
      const rows = Number(conn.prepare('SELECT MAX(seq) AS m FROM bench_raw').get().m);
      const select = loop(() => {
        if (!sel.get(1 + Math.floor(Math.random() * rows))) {
          throw new Error('raw select found no row');
        }
      });
      return { mode: 'better-sqlite3, one connection, sequential, WAL + synchronous=NORMAL', insert, select };
    } finally {
      conn.close();
    }
  }
  const server = db.kind === 'postgres' ? postgresRaw(db, concurrency) : mysqlRaw(db, concurrency);
  try {
    await server.query(server.createTable);
    const loop = async (op) => {
      const lat = [];
      let issued = 0;
      let errors = 0;
      const t0 = performance.now();
      const end = t0 + durationS * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < end && issued < maxOps) {
            issued++;
            const s = performance.now();
            try {
              await op();
            } catch (e) {
              errors++;
              if (errors === 1) {
                log(`  raw ceiling error: ${e.message}`);
              }
            }
            lat.push(performance.now() - s);
          }
        }),
      );
      const elapsedS = (performance.now() - t0) / 1000;
      return { requests: lat.length, errors, elapsedS, rps: lat.length / elapsedS, ...summarize(lat) };
    };
    const insert = await loop(() => server.query(server.insert, [randomUUID(), doc]));
    const [{ m }] = await server.query('SELECT MAX(seq) AS m FROM bench_raw');
    const rows = Number(m);
    const select = await loop(async () => {
      const r = await server.query(server.select, [1 + Math.floor(Math.random() * rows)]);
      if (!r.length) {
        throw new Error('raw select found no row');
      }
    });
    await server.query('DROP TABLE bench_raw');
    return { mode: server.mode, insert, select };
  } finally {
    await server.end();
  }
}

/** The raw ceiling's statements on a mysql2 pool of `concurrency` connections. */
function mysqlRaw(db, concurrency) {
  const mysql = require('mysql2/promise');
  const pool = mysql.createPool({ uri: db.url, connectionLimit: concurrency, charset: 'utf8mb4_unicode_ci' });
  return {
    mode: `mysql2 pool of ${concurrency} connections, autocommit`,
    createTable: `CREATE TABLE bench_raw (seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, id VARCHAR(36) NOT NULL,
         doc LONGTEXT NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    insert: 'INSERT INTO bench_raw (id, doc) VALUES (?, ?)',
    select: 'SELECT seq, id, doc FROM bench_raw WHERE seq = ?',
    query: async (sql, params) => (await pool.query(sql, params))[0],
    end: () => pool.end(),
  };
}

/** The raw ceiling's statements on a pg pool of `concurrency` connections (the server's driver). */
function postgresRaw(db, concurrency) {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: db.url, max: concurrency });
  return {
    mode: `pg pool of ${concurrency} connections, autocommit`,
    createTable: 'CREATE TABLE bench_raw (seq BIGSERIAL PRIMARY KEY, id VARCHAR(36) COLLATE "C" NOT NULL, doc TEXT NOT NULL)',
    insert: 'INSERT INTO bench_raw (id, doc) VALUES ($1, $2)',
    select: 'SELECT seq, id, doc FROM bench_raw WHERE seq = $1',
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    end: () => pool.end(),
  };
}

module.exports = { createDatabase, seedSql, rawCeiling, checkSeedDocument, analyze };
