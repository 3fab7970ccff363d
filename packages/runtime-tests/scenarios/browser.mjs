// The browser build: the stix, patterns and policy scenarios run inside the page; the feeds
// scenario pulls the TAXII server that serves this page (same origin) with TaxiiClient.
import { matchIndicators, projectForPartner, pullAll, validateBundle } from './scenarios.mjs';

globalThis.runScenarios = async () => {
  const agreementText = await (await fetch('/agreement.yaml')).text();
  return {
    // The user agent string hides the full version; the test reads it from the browser.
    runtime: 'chromium',
    stix: validateBundle(),
    patterns: matchIndicators(),
    policy: projectForPartner(agreementText),
    taxii: await pullAll(location.origin),
  };
};
