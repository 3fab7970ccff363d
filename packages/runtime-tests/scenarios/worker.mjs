// The workerd build: a module worker serving the TAXII handler, plus one route that runs the
// other scenarios inside the worker (the agreement's YAML arrives as the request body, since a
// worker has no file system).
import {
  matchIndicators,
  projectForPartner,
  sampleTaxiiHandler,
  validateBundle,
} from './scenarios.mjs';

const taxii = sampleTaxiiHandler();

export default {
  async fetch(request) {
    if (new URL(request.url).pathname === '/__scenarios' && request.method === 'POST') {
      const agreementText = await request.text();
      return Response.json({
        stix: validateBundle(),
        patterns: matchIndicators(),
        policy: projectForPartner(agreementText),
      });
    }
    return taxii(request);
  },
};
