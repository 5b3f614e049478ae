import { Router } from 'express';
import { openApiDocument, type DocumentOptions } from '../openapi/document';
import { docsPage } from '../openapi/docs-page';

/** Public: the document describes the API, not its data. */
export function docsRouter(options: DocumentOptions = {}): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(options));
  });
  let page: string | undefined;
  router.get('/docs', (_req, res) => {
    page ??= docsPage(openApiDocument(options));
    res.type('html').send(page);
  });
  return router;
}
