/**
 * The approval (OA) port: the enterprise's approval of the anomalous order, on whichever OA the
 * enterprise uses. Comments there have no idempotency key, so every comment we write carries
 * our key in its text ("[<caseRef>:<step>]"), and a write is preceded by a read of what the
 * instance already shows: a retry after a lost answer finds its own comment and stops.
 */
export const OA_RAILS = ['internal', 'dingtalk', 'feishu'] as const;
export type OaRailName = (typeof OA_RAILS)[number];
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface ApprovalInstance {
  instanceId: string;
  orderId: string;
  status: ApprovalStatus;
}

export interface OaFile {
  name: string;
  contentType: string;
  content: string;
}

export interface OaPost {
  /** Our key; on rails without one it is written into the text and found there again. */
  key: string;
  text: string;
  files: OaFile[];
}

export interface OaRail {
  readonly name: OaRailName;
  /** True when the rail itself dedupes on our key (the internal service): no read before write. */
  readonly dedupes: boolean;
  /** The newest approval instance for the order, or null (no approval, or not yet raised). */
  findInstanceForOrder(orderId: string): Promise<ApprovalInstance | null>;
  /** The instance with this id, or null: events name the instance, the order is in its form. */
  getInstance(instanceId: string): Promise<ApprovalInstance | null>;
  /** Whether a post with this key is already on the instance. */
  hasPost(instanceId: string, key: string): Promise<boolean>;
  /** Writes once per call; files are uploaded first where the rail needs that. */
  post(instanceId: string, post: OaPost): Promise<void>;
}

/** How our key appears in a comment's text, so a reader can find it and a person can ignore it. */
export function keyMarker(key: string): string {
  return `[${key}]`;
}

export function withKey(text: string, key: string): string {
  return `${text} ${keyMarker(key)}`;
}
