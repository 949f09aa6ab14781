import { Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller.js';
import { DirectoryService } from './directory.service.js';

/** People lookup, display names and reference lookup (issue 24's API additions for the console). */
@Module({ controllers: [DirectoryController], providers: [DirectoryService] })
export class DirectoryModule {}
