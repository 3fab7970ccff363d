// Pulls a whole collection with TaxiiClient and prints the object count; run by
// measureInChild so its peak RSS is measured without the server or the bench runner.
import { TaxiiClient } from '@intelshare/feeds';

const [url, limit] = process.argv.slice(2);
const client = new TaxiiClient({ url: url!, retry: 0 });
let count = 0;
for await (const object of client.objects('api1/', 'bench', { limit: Number(limit) })) {
  if (object.id) count++;
}
console.log(count);
