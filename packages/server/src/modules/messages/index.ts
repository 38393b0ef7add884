export { MessagesService, type MessagesDeps, type Sender } from './messages.service.js';
export { ReceiptsService, type ReceiptsDeps } from './receipts.service.js';
export { messageRoutes } from './messages.http.js';
export { messageFrames } from './messages.ws.js';
