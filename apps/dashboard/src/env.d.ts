/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The running hub, handed over by src/server/main.ts. */
    hub: import('./hub/hub').Hub;
    /** The signed-in session (absent on /login). */
    session?: import('./hub/auth').Session;
    sessionToken?: string;
    /** This server's origin as the browser sees it (from the Host header). */
    origin: string;
  }
}
