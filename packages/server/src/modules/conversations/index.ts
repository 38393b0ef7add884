export { ConversationsService, type ConversationsDeps } from './conversations.service.js';
export { conversationRoutes } from './conversations.http.js';
export { requireMember, hasRole, type MemberAccess } from './access.js';
export { toConversation, toMembership } from './conversations.mapper.js';
