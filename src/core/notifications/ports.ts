// Sending e-mail: the port the SMTP adapter (src/mail/smtp.ts) implements.

export interface MailMessage {
  to: string;
  cc: readonly string[];
  subject: string;
  text: string;
}

export interface MailSender {
  /** Sends one message; rejects with an Error that says why (never carrying credentials). */
  send(message: MailMessage): Promise<void>;
}
