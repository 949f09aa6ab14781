import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { CaseFile } from './case-file.pdf.js';

/** The worker script: beside this module once built; from the TypeScript sources (the tests), the built one. */
function workerScript(): URL {
  const beside = new URL('./case-file.worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL(beside.href.replace('/src/modules/cases/', '/dist/src/modules/cases/'));
}

type Pending = { resolve: (pdf: Buffer) => void; reject: (error: Error) => void };

/**
 * Lays case files out in a worker thread (case-file.worker.ts), one at a time, so that a long file never stalls
 * the API's other requests. The worker starts on the first file and is replaced if it dies; what it was doing
 * fails with the error.
 */
@Injectable()
export class CaseFileRenderer implements OnModuleDestroy {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  render(file: CaseFile): Promise<Buffer> {
    const worker = this.started();
    const id = this.next++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, file });
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerScript());
    worker.unref();
    worker.on('message', (m: { id: number; pdf?: Uint8Array; error?: string }) => {
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!waiting) return;
      if (m.pdf) waiting.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
      else waiting.reject(new Error(`case file layout failed: ${m.error ?? 'unknown error'}`));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`case file worker stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }
}
