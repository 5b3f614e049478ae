import { Router } from 'express';
import { z } from 'zod';
import type { Faults } from '../lib/faults';
import { parseBody, Problem } from '../lib/http';
import type { SmsService } from './service';

const sendBody = z.object({
  phone: z.string().min(3).max(32),
  text: z.string().min(1).max(2000),
  outId: z.string().min(1).max(256),
  channel: z.enum(['sms', 'app']).default('sms'),
});

export function smsRouter(sms: SmsService, faults: Faults): Router {
  const r = Router();
  r.post('/send', (req, res) => {
    const body = parseBody(sendBody, req.body);
    res.json(sms.send(body, faults.failsChannel(body.channel, JSON.stringify(body))));
  });
  r.get('/messages', (req, res) => {
    const outId = req.query.outId;
    if (typeof outId !== 'string' || outId === '') throw new Problem(400, 'INVALID_REQUEST', 'query parameter outId is required');
    res.json({ messages: sms.byOutId(outId) });
  });
  r.get('/outbox', (_req, res) => {
    res.json({ messages: sms.outbox() });
  });
  return r;
}
