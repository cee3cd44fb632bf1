import { createHash, randomUUID } from 'node:crypto';
import { isoTime } from '../kernel/clock.ts';
import { AppError } from '../kernel/errors.ts';
import { createEvent } from '../kernel/events.ts';
import type { Principal } from '../kernel/principal.ts';
import { assertBlobKey } from '../platform/blobs.ts';
import { outboxPut } from '../platform/outbox.ts';
import { isTransactionCanceled, type WriteOperation } from '../platform/store.ts';
import { awardSend } from './awards.ts';
import { rewardsSource, type RewardsDeps } from './deps.ts';
import { rewardsErrors } from './errors.ts';
import {
  maxImageBytes,
  rewardsIds,
  utcDay,
  type Comment,
  type CreatePost,
  type Post,
  type RewardsEventData,
  type RewardsEventType,
  type StoredPost,
} from './model.ts';
import {
  commentPut,
  dayActivity,
  dayReceived,
  hasLiked,
  likeDelete,
  likePut,
  postCounter,
  postExists,
  postDelete,
  postPut,
  queryComments,
  queryFeed,
  readPost,
} from './store.ts';

/**
 * Posts, likes and comments. Each action commits in one transaction with its outbox event and
 * the award message it earns (if any), so an action is never recorded without its award queued,
 * nor an award queued for an action that did not happen.
 */

/** The caller, as the rest of the module needs them: an id and the name to show. */
export interface Actor {
  id: string;
  name: string;
  isAdmin: boolean;
}

export async function actorOf(deps: RewardsDeps, principal: Principal): Promise<Actor> {
  const user = await deps.identity.getUser(principal.userId);
  return {
    id: principal.userId,
    name: user?.name ?? principal.email,
    isAdmin: principal.groups.includes('admin'),
  };
}

function dayOf(now: number) {
  const day = utcDay(now);
  return { day, dayStart: Date.parse(`${day}T00:00:00Z`) };
}

/**
 * What makes two posts of one author "the same post" for the post award, which is keyed by author
 * and this fingerprint: the text, normalized (Unicode NFKC, case and runs of white space), and
 * nothing else. The spec pays once per author and text. The image is left out on purpose: every
 * upload gets a fresh random key and an `image_url` is any string the author likes, so either
 * would make each repost new; and a hash of the image's bytes would only let a one-pixel change
 * buy another 10 coins. (The trailing newline keeps the fingerprints of text-only posts made
 * before, which hashed `<text>\n<no image>`, so their reposts stay paid.)
 */
function fingerprint(content: string): string {
  const normalized = content.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(`${normalized}\n`).digest('base64url').slice(0, 32);
}

function notFound(id: string): AppError {
  return new AppError('not_found', `no post ${id}`, { param: 'id' });
}

async function existingPost(deps: RewardsDeps, id: string): Promise<StoredPost> {
  const post = rewardsIds.isId('post', id) ? await readPost(deps.store, id) : undefined;
  if (!post) throw notFound(id);
  return post;
}

function event<K extends RewardsEventType>(
  deps: RewardsDeps,
  type: K,
  subject: string,
  data: RewardsEventData[K],
  audience?: string[],
) {
  return outboxPut(
    createEvent({
      type,
      source: rewardsSource,
      subject,
      data,
      now: deps.clock.now(),
      ...(audience && audience.length > 0 ? { audience } : {}),
    }),
  );
}

/** Commits an action's writes; a refused condition means the post went away meanwhile. */
async function commit(deps: RewardsDeps, postId: string, operations: WriteOperation[]): Promise<void> {
  try {
    await deps.store.transact(operations);
  } catch (error) {
    if (isTransactionCanceled(error)) throw notFound(postId);
    throw error;
  }
}

/** Where a user's post images go: only keys under their own folder may be posted. */
function imageFolder(userId: string): string {
  return `posts/${userId}/`;
}

/** A presigned upload for a post image; the post then names it by `image_key`. */
export async function createImageUpload(deps: RewardsDeps, actor: Actor, contentType: string) {
  const extension = contentType.split('/')[1]!.replace('jpeg', 'jpg');
  const key = `${imageFolder(actor.id)}${randomUUID()}.${extension}`;
  const upload = await deps.blobs.uploadUrl(key, {
    contentType,
    maxBytes: maxImageBytes,
    expiresInSeconds: 600,
  });
  return {
    image_key: key,
    upload_url: upload.url,
    upload_headers: upload.headers,
    max_bytes: maxImageBytes,
    expires_at: upload.expiresAt,
  };
}

function isBlobKey(key: string): boolean {
  try {
    assertBlobKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Refuses an `image_key` that is not an upload of this user's, before anything is written. */
async function checkImageKey(deps: RewardsDeps, actor: Actor, imageKey: string): Promise<void> {
  if (!imageKey.startsWith(imageFolder(actor.id)) || !isBlobKey(imageKey))
    throw new AppError('validation_failed', 'image_key must be the key of an upload you made', {
      param: 'image_key',
    });
  if (!(await deps.blobs.exists(imageKey)))
    throw rewardsErrors.error(
      'image_not_uploaded',
      'nothing was uploaded at image_key: PUT the image to its upload_url, then post',
      { param: 'image_key' },
    );
}

export async function createPost(deps: RewardsDeps, actor: Actor, input: CreatePost): Promise<Post> {
  const now = deps.clock.now();
  const imageKey = input.image_key ?? null;
  if (imageKey !== null) await checkImageKey(deps, actor, imageKey);
  const imageUrl = input.image_url ?? null;
  const post: StoredPost = {
    id: rewardsIds.newId('post', now),
    author: actor.id,
    author_name: actor.name,
    content: input.content,
    content_hash: fingerprint(input.content),
    image_url: imageUrl,
    image_key: imageKey,
    like_count: 0,
    comment_count: 0,
    created_at: isoTime(now),
  };
  const { day, dayStart } = dayOf(now);
  await deps.store.transact([
    postPut(post),
    dayActivity(actor.id, day, dayStart),
    awardSend(deps, {
      rule: 'post',
      source: `${actor.id}:${post.content_hash}`,
      user: actor.id,
      occurred_at: now,
    }),
    event(deps, 'post.created', post.id, { post: publicPost(post) }),
  ]);
  return { ...(await readablePost(deps, post)), liked_by_me: false };
}

/** The post as the API shows it; events carry no image URL (it would expire in the event log). */
function publicPost(post: StoredPost): Omit<Post, 'liked_by_me'> {
  const { content_hash: _hash, image_key: _key, ...fields } = post;
  return fields;
}

/** An uploaded image is shown through a download URL signed for an hour. */
async function readablePost(deps: RewardsDeps, post: StoredPost): Promise<Omit<Post, 'liked_by_me'>> {
  if (!post.image_key) return publicPost(post);
  const download = await deps.blobs.downloadUrl(post.image_key, { expiresInSeconds: 3600 });
  return { ...publicPost(post), image_url: download.url };
}

async function withLiked(deps: RewardsDeps, userId: string, post: StoredPost): Promise<Post> {
  const [readable, liked] = await Promise.all([
    readablePost(deps, post),
    hasLiked(deps.store, post.id, userId),
  ]);
  return { ...readable, liked_by_me: liked };
}

export async function getPost(deps: RewardsDeps, userId: string, id: string): Promise<Post> {
  return withLiked(deps, userId, await existingPost(deps, id));
}

/** The feed: every post, newest first. */
export async function listFeed(
  deps: RewardsDeps,
  userId: string,
  options: { limit: number; cursor?: string },
) {
  const page = await queryFeed(deps.store, options);
  return {
    data: await Promise.all(page.posts.map((post) => withLiked(deps, userId, post))),
    next_cursor: page.cursor,
  };
}

/** Deletes a post: its author or an admin. Anyone else is told it does not exist. */
export async function deletePost(deps: RewardsDeps, actor: Actor, id: string): Promise<void> {
  const post = await existingPost(deps, id);
  if (post.author !== actor.id && !actor.isAdmin) throw notFound(id);
  await commit(deps, id, [
    postDelete(id),
    event(deps, 'post.deleted', id, { post_id: id, author: post.author, deleted_by: actor.id }),
  ]);
}

/**
 * Likes a post once. The like item's key is (post, user), so a second like is refused by its
 * condition; the award's source is the same pair, so unlike-then-like never pays again.
 */
export async function likePost(deps: RewardsDeps, actor: Actor, id: string): Promise<Post> {
  const post = await existingPost(deps, id);
  const now = deps.clock.now();
  const { day, dayStart } = dayOf(now);
  const isOwn = post.author === actor.id;
  const operations: WriteOperation[] = [
    postExists(id),
    likePut(id, actor.id, isoTime(now)),
    postCounter(id, 'like_count', 1),
    dayActivity(actor.id, day, dayStart),
    event(
      deps,
      'post.liked',
      id,
      { post_id: id, author: post.author, user: actor.id, user_name: actor.name },
      isOwn ? [] : [post.author],
    ),
  ];
  // Liking your own post earns nothing.
  if (!isOwn)
    operations.push(
      dayReceived(post.author, day, dayStart, 'likes_received'),
      awardSend(deps, { rule: 'like', source: `${id}:${actor.id}`, user: post.author, occurred_at: now }),
    );
  try {
    await deps.store.transact(operations);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (error.reasonAt(0)) throw notFound(id);
    throw rewardsErrors.error('post_already_liked', 'you already like this post', { param: 'id' });
  }
  return { ...(await readablePost(deps, post)), like_count: post.like_count + 1, liked_by_me: true };
}

export async function unlikePost(deps: RewardsDeps, actor: Actor, id: string): Promise<Post> {
  const post = await existingPost(deps, id);
  try {
    await deps.store.transact([
      postExists(id),
      likeDelete(id, actor.id),
      postCounter(id, 'like_count', -1),
      event(deps, 'post.unliked', id, { post_id: id, author: post.author, user: actor.id }),
    ]);
  } catch (error) {
    if (!isTransactionCanceled(error)) throw error;
    if (error.reasonAt(0)) throw notFound(id);
    throw rewardsErrors.error('post_not_liked', 'you do not like this post', { param: 'id' });
  }
  return {
    ...(await readablePost(deps, post)),
    like_count: Math.max(0, post.like_count - 1),
    liked_by_me: false,
  };
}

/** Comments on a post; the commenter earns coins for a comment on someone else's post. */
export async function commentOnPost(
  deps: RewardsDeps,
  actor: Actor,
  id: string,
  content: string,
): Promise<Comment> {
  const post = await existingPost(deps, id);
  const now = deps.clock.now();
  const { day, dayStart } = dayOf(now);
  const comment: Comment = {
    id: rewardsIds.newId('comment', now),
    post_id: id,
    author: actor.id,
    author_name: actor.name,
    content,
    created_at: isoTime(now),
  };
  const isOwn = post.author === actor.id;
  const operations: WriteOperation[] = [
    postExists(id),
    commentPut(comment),
    postCounter(id, 'comment_count', 1),
    dayActivity(actor.id, day, dayStart),
    event(
      deps,
      'post.commented',
      id,
      { post_id: id, author: post.author, comment },
      isOwn ? [] : [post.author],
    ),
  ];
  if (!isOwn)
    operations.push(
      dayReceived(post.author, day, dayStart, 'comments_received'),
      awardSend(deps, { rule: 'comment', source: comment.id, user: actor.id, occurred_at: now }),
    );
  await commit(deps, id, operations);
  return comment;
}

export async function listComments(
  deps: RewardsDeps,
  id: string,
  options: { limit: number; cursor?: string },
) {
  await existingPost(deps, id);
  const page = await queryComments(deps.store, id, options);
  return { data: page.comments, next_cursor: page.cursor };
}
