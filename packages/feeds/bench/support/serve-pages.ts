// Runs the bench page server in its own process and prints its URL, so the server's CPU
// does not compete with the client on the measuring process's event loop.
import { startPageServer } from './page-server';

const count = Number(process.argv[2] ?? 100_000);
const { url, bytes } = await startPageServer(count);
process.stdout.write(`${JSON.stringify({ url, bytes: { 100: bytes(100), 1000: bytes(1000) } })}\n`);
