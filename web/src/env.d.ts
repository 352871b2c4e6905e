/** Stylesheets are bundled by esbuild (web/build.ts); importing one only adds it to the page's CSS. */
declare module '*.css';
