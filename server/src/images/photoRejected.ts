/**
 * A photo the server refuses (a snap, or evidence sent with a field record), with a machine code and a sentence for
 * the officer; the HTTP layer turns the code into its status (http/errors.ts).
 */
export class PhotoRejected extends Error {
  constructor(
    readonly code:
      | 'photo_missing'
      | 'unsupported_photo_type'
      | 'heic_not_supported'
      | 'photo_too_large'
      | 'unreadable_photo'
      | 'location_required'
      | 'idempotency_key_reused',
    message: string,
  ) {
    super(message);
  }
}

export const HEIC_MESSAGE =
  'HEIC/HEIF photos cannot be read here. Send a JPEG instead: on an iPhone choose Settings → Camera → Formats → ' +
  '"Most Compatible" (photos are then taken as JPEG), or share the photo as JPEG (in the share sheet tap "Options" and ' +
  'pick "Most Compatible"). PNG and WebP are accepted too.';
