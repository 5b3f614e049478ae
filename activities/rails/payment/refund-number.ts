import { createHash } from 'node:crypto';

/** What both Alipay (out_request_no) and WeChat Pay (out_refund_no) accept. */
export const RAIL_REFUND_NO = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The refund number as the rail will see it. A conforming number passes unchanged; any other
 * (today's workflow sends `<caseRef>:refund`) is made conforming and suffixed with a digest of
 * the original, so two different numbers can never collide into one refund on the rail.
 */
export function railRefundNo(outRequestNo: string): string {
  if (RAIL_REFUND_NO.test(outRequestNo)) return outRequestNo;
  const digest = createHash('sha256').update(outRequestNo).digest('hex').slice(0, 10);
  return `${outRequestNo.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64 - 11)}-${digest}`;
}

/** The same rule for the other request numbers a rail keys on (freeze, settle, unfreeze). */
export const railRequestNo = railRefundNo;
