'use strict';
// Note storage. The whole notebook is one JSON file, $DATA_DIR/notes.json,
// in the same format as an export, so the data file itself can be imported.
//
// Durability: every change rewrites the file as
//     write notes.json.tmp -> fsync it -> rename over notes.json -> fsync dir
// rename(2) replaces the name atomically, so after a crash or kill -9 the file
// is either the previous or the new version, never a torn one. A leftover
// .tmp file is just an unfinished write and is overwritten by the next one.
//
// Consistency: mutations run one at a time through a queue and are committed
// to memory only after the new file is durable. If a write fails (disk full,
// storage quota) the in-memory notebook is unchanged and the caller gets the
// error, so memory never claims something the disk doesn't have.

const fsp = require('node:fs/promises');
const path = require('node:path');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');

const LIMITS = Object.freeze({
  titleChars: 300,
  bodyChars: 200_000,
  nameChars: 200,
  notes: 10_000,
  // Serialized size of the whole notebook. Keeps every rewrite cheap and
  // guarantees an export always fits the import size limit.
  storeBytes: 32 * 1024 * 1024,
});

const FORMAT = 'outpost-notes';
const FORMAT_VERSION = 1;
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

class StoreError extends Error {
  /** @param {'invalid'|'not_found'|'conflict'|'full'} code */
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

function newId() {
  // 72 random bits, URL-safe, short enough to read in a URL.
  return crypto.randomBytes(9).toString('base64url');
}

// --- validation -------------------------------------------------------------

function checkString(value, field, max) {
  if (typeof value !== 'string') {
    throw new StoreError('invalid', `${field} must be a string`);
  }
  if (value.length > max) {
    throw new StoreError('invalid', `${field} must be at most ${max} characters (got ${value.length})`);
  }
  return value;
}

// Titles are single-line: control characters (including newlines) become spaces.
// No trimming here: the client autosaves while the user types, and trimming
// would eat the space they just typed.
function cleanTitle(value, field) {
  return checkString(value, field, LIMITS.titleChars).replace(/[\u0000-\u001f\u007f]/g, ' ');
}

function cleanBody(value, field) {
  return checkString(value, field, LIMITS.bodyChars).replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
}

function cleanName(value, field) {
  if (value === undefined || value === null) return null;
  return checkString(value, field, LIMITS.nameChars).replace(/[\u0000-\u001f\u007f]/g, ' ');
}

function cleanTimestamp(value, field, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || value.length > 64) {
    throw new StoreError('invalid', `${field} must be an ISO 8601 date string`);
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new StoreError('invalid', `${field} is not a valid date: ${JSON.stringify(value)}`);
  return new Date(t).toISOString();
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates the fields of a create/update request. Only known fields are read,
 * so unexpected properties (including "__proto__") are ignored, never copied.
 * @param {boolean} partial true for updates, where each field is optional
 */
function parseNoteInput(input, partial) {
  if (!isPlainObject(input)) throw new StoreError('invalid', 'Expected a JSON object');
  const out = {};
  if (input.title !== undefined) out.title = cleanTitle(input.title, 'title');
  else if (!partial) out.title = '';
  if (input.body !== undefined) out.body = cleanBody(input.body, 'body');
  else if (!partial) out.body = '';
  if (partial) {
    if (out.title === undefined && out.body === undefined) {
      throw new StoreError('invalid', 'Nothing to update: send title and/or body');
    }
    if (input.rev !== undefined) {
      if (!Number.isSafeInteger(input.rev) || input.rev < 1) {
        throw new StoreError('invalid', 'rev must be a positive integer');
      }
      out.rev = input.rev;
    }
  }
  return out;
}

/**
 * Validates one note from an import file or from notes.json.
 * `where` names the note in error messages, e.g. "notes[3]".
 */
function parseStoredNote(raw, where, now) {
  if (!isPlainObject(raw)) throw new StoreError('invalid', `${where} must be an object`);
  let id = raw.id;
  if (id === undefined || id === null) id = newId();
  else if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw new StoreError('invalid', `${where}.id must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"`);
  }
  const createdAt = cleanTimestamp(raw.createdAt, `${where}.createdAt`, now);
  const updatedAt = cleanTimestamp(raw.updatedAt, `${where}.updatedAt`, createdAt);
  let rev = 1;
  if (raw.rev !== undefined) {
    if (!Number.isSafeInteger(raw.rev) || raw.rev < 1) {
      throw new StoreError('invalid', `${where}.rev must be a positive integer`);
    }
    rev = raw.rev;
  }
  const author = cleanName(raw.author, `${where}.author`);
  return {
    id,
    title: raw.title === undefined ? '' : cleanTitle(raw.title, `${where}.title`),
    body: raw.body === undefined ? '' : cleanBody(raw.body, `${where}.body`),
    createdAt,
    updatedAt,
    author,
    updatedBy: cleanName(raw.updatedBy, `${where}.updatedBy`) ?? author,
    rev,
  };
}

/**
 * Accepts an export document ({format, version, notes: [...]}) or a bare array
 * of notes, and returns validated notes. All-or-nothing: the first problem
 * throws, naming the offending note.
 */
function parseImport(doc) {
  let list;
  if (Array.isArray(doc)) {
    list = doc;
  } else if (isPlainObject(doc)) {
    if (doc.format !== undefined && doc.format !== FORMAT) {
      throw new StoreError('invalid', `Unsupported format ${JSON.stringify(String(doc.format).slice(0, 50))}; expected "${FORMAT}"`);
    }
    if (doc.version !== undefined && doc.version !== FORMAT_VERSION) {
      throw new StoreError('invalid', `Unsupported version ${JSON.stringify(doc.version)}; expected ${FORMAT_VERSION}`);
    }
    if (!Array.isArray(doc.notes)) throw new StoreError('invalid', 'Expected a "notes" array');
    list = doc.notes;
  } else {
    throw new StoreError('invalid', 'Expected an exported notes file (a JSON object with a "notes" array)');
  }
  if (list.length > LIMITS.notes) {
    throw new StoreError('invalid', `Too many notes: ${list.length} (at most ${LIMITS.notes})`);
  }
  const now = new Date().toISOString();
  const seen = new Set();
  return list.map((raw, i) => {
    const note = parseStoredNote(raw, `notes[${i}]`, now);
    if (seen.has(note.id)) throw new StoreError('invalid', `notes[${i}].id ${note.id} appears more than once`);
    seen.add(note.id);
    return note;
  });
}

// --- persistence --------------------------------------------------------------

function serialize(notes) {
  return JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, notes: [...notes.values()] });
}

async function fsyncDir(dir) {
  let fh;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM', 'EBADF'].includes(err.code)) throw err;
  } finally {
    await fh?.close();
  }
}

function byRecency(a, b) {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? -1 : 1;
}

class NoteStore extends EventEmitter {
  constructor(dataDir) {
    super();
    this.dir = dataDir;
    this.file = path.join(dataDir, 'notes.json');
    this.tmpFile = `${this.file}.tmp`;
    /** @type {Map<string, object>} notes are never mutated, only replaced */
    this.notes = new Map();
    this.sorted = null;
    this.loading = null;
    this.queue = Promise.resolve();
  }

  /** Loads notes.json on first use; safe to call repeatedly. */
  ready() {
    if (!this.loading) {
      this.loading = this.load().catch((err) => {
        this.loading = null; // retry on the next request rather than failing forever
        throw err;
      });
    }
    return this.loading;
  }

  async load() {
    let text;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if (err.code === 'ENOENT') return; // new grain: empty notebook
      throw err;
    }
    let list;
    try {
      const doc = JSON.parse(text);
      list = Array.isArray(doc) ? doc : doc.notes;
      if (!Array.isArray(list)) throw new Error('no "notes" array');
    } catch (err) {
      // Writes are atomic, so this means someone edited the file by hand.
      // Keep it for recovery instead of overwriting it on the next save.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      await fsp.rename(this.file, aside);
      console.error(`notes: ${this.file} is not valid (${err.message}); moved it to ${aside}`);
      return;
    }
    const now = new Date().toISOString();
    let skipped = 0;
    list.forEach((raw, i) => {
      try {
        const note = parseStoredNote(raw, `notes[${i}]`, now);
        this.notes.set(note.id, note);
      } catch (err) {
        skipped++;
        console.error(`notes: skipping invalid stored note: ${err.message}`);
      }
    });
    if (skipped) console.error(`notes: skipped ${skipped} invalid note(s) in ${this.file}`);
  }

  /** All notes, most recently updated first. */
  async list() {
    await this.ready();
    if (!this.sorted) this.sorted = [...this.notes.values()].sort(byRecency);
    return this.sorted;
  }

  async get(id) {
    await this.ready();
    const note = this.notes.get(id);
    if (!note) throw new StoreError('not_found', 'Note not found');
    return note;
  }

  create(input, by) {
    const fields = parseNoteInput(input, false);
    return this.mutate((notes) => {
      if (notes.size >= LIMITS.notes) {
        throw new StoreError('full', `This notebook already has the maximum of ${LIMITS.notes} notes`);
      }
      const now = new Date().toISOString();
      const note = { id: newId(), ...fields, createdAt: now, updatedAt: now, author: by, updatedBy: by, rev: 1 };
      notes.set(note.id, note);
      return { value: note, changed: note.id };
    });
  }

  update(id, input, by) {
    const fields = parseNoteInput(input, true);
    return this.mutate((notes) => {
      const current = notes.get(id);
      if (!current) throw new StoreError('not_found', 'Note not found');
      // Optimistic concurrency: a client that says which revision it edited
      // must not silently overwrite someone else's newer change.
      if (fields.rev !== undefined && fields.rev !== current.rev) {
        throw new StoreError('conflict', 'This note was changed by someone else', { note: current });
      }
      const title = fields.title ?? current.title;
      const body = fields.body ?? current.body;
      if (title === current.title && body === current.body) return { value: current, changed: null };
      const note = {
        ...current,
        title,
        body,
        updatedAt: new Date().toISOString(),
        updatedBy: by,
        rev: current.rev + 1,
      };
      notes.set(id, note);
      return { value: note, changed: id };
    });
  }

  remove(id) {
    return this.mutate((notes) => {
      if (!notes.delete(id)) throw new StoreError('not_found', 'Note not found');
      return { value: undefined, changed: id };
    });
  }

  /**
   * Merges validated notes into the notebook (see parseImport). A note whose
   * id already exists replaces it only if the imported copy is newer, so
   * importing the same backup twice changes nothing.
   */
  importNotes(doc) {
    const incoming = parseImport(doc);
    return this.mutate((notes) => {
      const result = { added: 0, updated: 0, unchanged: 0 };
      for (const note of incoming) {
        const existing = notes.get(note.id);
        if (!existing) {
          notes.set(note.id, { ...note, rev: 1 });
          result.added++;
        } else if (note.updatedAt > existing.updatedAt) {
          notes.set(note.id, { ...note, rev: existing.rev + 1 });
          result.updated++;
        } else {
          result.unchanged++;
        }
      }
      if (notes.size > LIMITS.notes) {
        throw new StoreError('full', `Importing would exceed the maximum of ${LIMITS.notes} notes`);
      }
      result.total = notes.size;
      // null = "many notes changed"; clients reload everything.
      return { value: result, changed: result.added || result.updated ? null : undefined };
    });
  }

  /**
   * Runs `fn` against a copy of the notebook, writes the copy durably, then
   * makes it current. `fn` returns { value, changed } where changed is a note
   * id, null for "everything", or undefined for "nothing changed".
   */
  mutate(fn) {
    const run = async () => {
      await this.ready();
      const next = new Map(this.notes);
      const { value, changed } = fn(next);
      if (changed !== undefined) {
        await this.write(next);
        this.notes = next;
        this.sorted = null;
        this.emit('change', changed);
      }
      return value;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  async write(notes) {
    const data = serialize(notes);
    if (Buffer.byteLength(data) > LIMITS.storeBytes) {
      throw new StoreError('full', `The notebook would exceed its ${LIMITS.storeBytes / (1024 * 1024)} MiB size limit`);
    }
    const fh = await fsp.open(this.tmpFile, 'w', 0o600);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(this.tmpFile, this.file);
    await fsyncDir(this.dir);
  }

  /** Resolves once every queued write has finished (used on shutdown). */
  idle() {
    return this.queue;
  }
}

module.exports = { NoteStore, StoreError, LIMITS, FORMAT, FORMAT_VERSION, ID_RE };
