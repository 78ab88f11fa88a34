import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ScimCoreModuleBase } from './module-definition';

/**
 * The @Global core module: the options, the port bindings and the subsystems' services
 * (providers/), exported by Symbol token or by the library's own classes only.
 */
@Module({ imports: [PassportModule] })
export class ScimCoreModule extends ScimCoreModuleBase {}
