import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ScimCoreModuleBase } from './module-definition';

/** @Global internal module: options, port bindings, registry, token service (Symbol exports only). */
@Module({ imports: [PassportModule] })
export class ScimCoreModule extends ScimCoreModuleBase {}
