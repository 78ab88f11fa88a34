import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { RootSearchController } from './root-search.controller';

/** Root /.search: the one feature allowed to call other features' services (like bulk/). */
@Module({ imports: [UsersModule], controllers: [RootSearchController] })
export class SearchModule {}
