'use strict';
// Who is making this request, according to the Outpost proxy.
//
// The proxy removes any X-Outpost-* headers the browser sends and adds its own
// for the signed-in user, so inside the grain these headers are trusted. The
// app never sees passwords, cookies or tokens; it only ever gets:
//
//   X-Outpost-User-Id      opaque, stable per user (absent for anonymous visitors)
//   X-Outpost-User-Name    display name, percent-encoded UTF-8
//   X-Outpost-Permissions  comma-separated permission ids granted in this grain
//   X-Outpost-Session-Id   opaque id of this browser session

const MAX_NAME_CHARS = 200;

function header(headers, name) {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

function decodeName(raw) {
  if (raw === null) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    // Malformed escapes: show what we got rather than failing the request.
    return raw;
  }
}

function parsePermissions(raw) {
  if (!raw) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The identity exactly as the proxy sent it (user name percent-decoded). */
function fromHeaders(headers) {
  return {
    userId: header(headers, 'x-outpost-user-id'),
    userName: decodeName(header(headers, 'x-outpost-user-name')),
    permissions: parsePermissions(header(headers, 'x-outpost-permissions')),
    sessionId: header(headers, 'x-outpost-session-id'),
  };
}

const OUTPOST_HEADERS = [
  'x-outpost-user-id',
  'x-outpost-user-name',
  'x-outpost-permissions',
  'x-outpost-session-id',
];

/**
 * Standalone development (no proxy in front) would otherwise always be an
 * anonymous read-only visitor. NOTES_DEV_USER=Name gives requests that carry
 * none of the Outpost headers a full-permission identity instead. It is
 * ignored when NODE_ENV=production, which the package manifest sets, so a
 * packaged grain can never fall back to it.
 */
function createResolver(env) {
  const devName = env.NODE_ENV === 'production' ? '' : String(env.NOTES_DEV_USER || '').trim();
  const dev = devName
    ? Object.freeze({ userId: 'dev', userName: devName, permissions: ['edit'], sessionId: 'dev' })
    : null;
  return {
    devMode: Boolean(dev),
    resolve(req) {
      if (dev && !OUTPOST_HEADERS.some((h) => h in req.headers)) {
        return { ...dev, permissions: [...dev.permissions] };
      }
      return fromHeaders(req.headers);
    },
  };
}

function canEdit(identity) {
  return identity.permissions.includes('edit');
}

/** Name recorded as author/updatedBy on notes. */
function displayName(identity) {
  const name = (identity.userName || '').trim().slice(0, MAX_NAME_CHARS);
  if (name) return name;
  return identity.userId ? 'Unnamed user' : 'Anonymous';
}

module.exports = { fromHeaders, createResolver, canEdit, displayName };
