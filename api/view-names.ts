/** The triage views, in the order the console shows them. */
export const VIEW_NAMES = ['mine', 'my_queue', 'awaiting_approval', 'due_soon', 'breached', 'needs_ops'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];
