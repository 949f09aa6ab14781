import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { VettingAlert } from './alert.entity.js';
import { VettingClearance } from './clearance.entity.js';
import { VettingDeclaration } from './declaration.entity.js';
import { OutboxMessage } from './outbox.entity.js';

@Module({ imports: [TypeOrmModule.forFeature([VettingClearance, VettingAlert, VettingDeclaration, OutboxMessage])] })
export class VettingModule {}
