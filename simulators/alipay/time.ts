/** Alipay's wire times are "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8, no daylight saving). */
export function beijingTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}
