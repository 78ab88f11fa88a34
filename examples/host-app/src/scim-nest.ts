/**
 * The SCIM library as this application sees it: its public API only, as a published package
 * would expose it. With the package installed this file is `export * from 'scim-nest';`.
 */
export * from '../../../src/library';
