import { Router } from 'express';
import { z } from 'zod';
import { parseBody, Problem } from '../lib/http';
import type { OaService } from './service';

const key = z.string().min(1).max(256);
const commentBody = z.object({ text: z.string().min(1).max(10_000), idempotencyKey: key });
const attachBody = z.object({
  name: z.string().min(1).max(256),
  contentType: z.string().min(1).max(128),
  content: z.string(),
  idempotencyKey: key,
});

export function oaRouter(oa: OaService): Router {
  const r = Router();
  r.get('/instances', (req, res) => {
    const orderId = req.query.orderId;
    if (typeof orderId !== 'string' || orderId === '') throw new Problem(400, 'INVALID_REQUEST', 'query parameter orderId is required');
    res.json({ instances: oa.forOrder(orderId) });
  });
  r.get('/instances/:id', (req, res) => {
    res.json(oa.get(req.params.id));
  });
  r.post('/instances/:id/comments', (req, res) => {
    res.json(oa.comment(req.params.id, parseBody(commentBody, req.body)));
  });
  r.post('/instances/:id/attachments', (req, res) => {
    res.json(oa.attach(req.params.id, parseBody(attachBody, req.body)));
  });
  return r;
}
