import { parentPort } from 'node:worker_threads';
import { type CaseFile, renderCaseFile } from './case-file.pdf.js';

/**
 * The case file's layout, off the API's event loop (CaseFileRenderer): pdfmake lays a document out
 * synchronously, seconds for a case with hundreds of entries, during which the API would answer nobody.
 */
parentPort?.on('message', (message: { id: number; file: CaseFile }) => {
  renderCaseFile(message.file).then(
    (pdf) => parentPort?.postMessage({ id: message.id, pdf }),
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: String(error) }),
  );
});
