export { ConversationsService, type ConversationsDeps } from './conversations.service.js';
export { conversationRoutes } from './conversations.http.js';
export { requireMember, requireRole, hasRole, type MemberAccess } from './access.js';
export { toConversation, toMembership, toListItem } from './conversations.mapper.js';
