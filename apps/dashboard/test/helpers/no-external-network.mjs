// Preloaded into the dashboard server in tests (`node --import`): every outgoing TCP
// connection and DNS lookup to anything but loopback is reported on stderr with a marker
// the tests look for, so "works offline" is checked rather than assumed. A second marker
// proves the guard was really loaded, so a passing check cannot be vacuous.
import dns from 'node:dns';
import net from 'node:net';

export const MARKER = 'INTELSHARE-EXTERNAL-NETWORK-ATTEMPT';
export const ACTIVE_MARKER = 'INTELSHARE-NETWORK-GUARD-ACTIVE';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const isLoopback = (host) =>
  host === undefined || LOOPBACK_NAMES.has(String(host)) || /^127\./.test(String(host));

function report(kind, target) {
  process.stderr.write(`${MARKER} ${kind} ${target}\n`);
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  if (typeof options === 'object' && options !== null) {
    // A TCP connect has a port; without one it is a Unix-domain socket (`path`), local.
    if (options.port !== undefined && options.port !== null && !isLoopback(options.host)) {
      report('connect', `${options.host}:${options.port}`);
    }
  } else if (typeof options === 'number' || typeof options === 'string') {
    const host = typeof args[1] === 'string' ? args[1] : undefined;
    if (/^\d+$/.test(String(options)) && !isLoopback(host)) report('connect', `${host}:${options}`);
  }
  return originalConnect.apply(this, args);
};

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (!isLoopback(hostname)) report('dns.lookup', hostname);
  return originalLookup.call(this, hostname, ...rest);
};
const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = function lookup(hostname, ...rest) {
  if (!isLoopback(hostname)) report('dns.promises.lookup', hostname);
  return originalPromisesLookup.call(this, hostname, ...rest);
};

process.stderr.write(`${ACTIVE_MARKER}\n`);
