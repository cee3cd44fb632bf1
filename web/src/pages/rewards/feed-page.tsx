import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../../api/client.ts';
import { useSession } from '../../api/session.ts';
import {
  useAddComment,
  useComments,
  useCreatePost,
  useDeletePost,
  useFeed,
  useToggleLike,
  type Post,
} from '../../api/rewards.ts';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Input, Textarea } from '../../components/ui/input.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';
import { CoinsCard } from './coins-card.tsx';
import { formatDateTime } from '../../components/date-time.ts';

const maxPostLength = 1000;

function Compose() {
  const [content, setContent] = useState('');
  const create = useCreatePost();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(content, {
      onSuccess: () => setContent(''),
      onError: (error) => toast.error(errorMessage(error)),
    });
  };
  return (
    <Card className="mb-6">
      <form onSubmit={submit} className="space-y-3">
        <Textarea
          aria-label="What's on your mind?"
          placeholder="What's on your mind? A post earns 10 coins."
          value={content}
          maxLength={maxPostLength}
          onChange={(event) => setContent(event.target.value)}
          rows={3}
        />
        <div className="flex items-center justify-between">
          <span className="text-xs text-muted-foreground tabular-nums">
            {content.length}/{maxPostLength}
          </span>
          <Button type="submit" disabled={create.isPending || content.trim() === ''}>
            {create.isPending ? 'Posting…' : 'Post'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function Comments({ post }: { post: Post }) {
  const comments = useComments(post.id, true);
  const add = useAddComment(post.id);
  const [content, setContent] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate(content, {
      onSuccess: () => setContent(''),
      onError: (error) => toast.error(errorMessage(error)),
    });
  };
  return (
    <div className="mt-3 space-y-2 border-t border-border pt-3">
      {comments.isPending ? (
        <Loading label="Loading comments…" />
      ) : comments.isError ? (
        <ErrorState error={comments.error} onRetry={() => void comments.refetch()} />
      ) : (
        <ul className="space-y-1">
          {comments.data.data.map((comment) => (
            <li key={comment.id} className="text-sm" data-testid="comment">
              <span className="font-medium">{comment.author_name}</span> {comment.content}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="flex gap-2">
        <Input
          aria-label="Write a comment"
          placeholder="Write a comment (5 coins)"
          value={content}
          maxLength={500}
          onChange={(event) => setContent(event.target.value)}
        />
        <Button type="submit" size="sm" disabled={add.isPending || content.trim() === ''}>
          Comment
        </Button>
      </form>
    </div>
  );
}

function PostCard({ post, userId, isAdmin }: { post: Post; userId: string; isAdmin: boolean }) {
  const like = useToggleLike();
  const remove = useDeletePost();
  const [isOpen, setOpen] = useState(false);
  const isMine = post.author === userId;
  return (
    <li data-testid="post">
      <Card>
        <div className="flex items-start justify-between gap-3">
          <div className="min-w-0">
            <p className="text-sm font-medium">{post.author_name}</p>
            <p className="text-xs text-muted-foreground">{formatDateTime(post.created_at)}</p>
          </div>
          {isMine || isAdmin ? (
            <Button
              variant="ghost"
              size="sm"
              disabled={remove.isPending}
              onClick={() => remove.mutate(post.id, { onError: (error) => toast.error(errorMessage(error)) })}
            >
              Delete
            </Button>
          ) : null}
        </div>
        <p className="mt-2 whitespace-pre-wrap break-words">{post.content}</p>
        {post.image_url ? <img src={post.image_url} alt="" className="mt-3 max-h-80 rounded-md" /> : null}
        <div className="mt-3 flex gap-2">
          <Button
            variant={post.liked_by_me ? 'secondary' : 'outline'}
            size="sm"
            aria-pressed={post.liked_by_me}
            disabled={like.isPending}
            onClick={() => like.mutate(post, { onError: (error) => toast.error(errorMessage(error)) })}
          >
            {post.liked_by_me ? 'Liked' : 'Like'} · <span className="tabular-nums">{post.like_count}</span>
          </Button>
          <Button variant="ghost" size="sm" aria-expanded={isOpen} onClick={() => setOpen(!isOpen)}>
            Comments · <span className="tabular-nums">{post.comment_count}</span>
          </Button>
        </div>
        {isOpen ? <Comments post={post} /> : null}
      </Card>
    </li>
  );
}

/** The rewards feed: compose, like and comment, with the coins they earn. */
export function FeedPage() {
  const session = useSession();
  const feed = useFeed();
  const posts = feed.data?.pages.flatMap((page) => page.data) ?? [];
  const userId = session?.user.id ?? '';
  const isAdmin = session?.user.groups.includes('admin') ?? false;
  return (
    <div>
      <PageHeader
        title="Feed"
        description="Post, like and comment to earn coins: 10 a post, 2 a like received, 5 a comment, up to 500 a day."
      />
      <CoinsCard />
      <Compose />
      {feed.isPending ? (
        <Loading label="Loading the feed…" />
      ) : feed.isError && posts.length === 0 ? (
        <ErrorState error={feed.error} onRetry={() => void feed.refetch()} />
      ) : posts.length === 0 ? (
        <Empty title="No posts yet">Be the first to post.</Empty>
      ) : (
        <>
          <ul className="space-y-4">
            {posts.map((post) => (
              <PostCard key={post.id} post={post} userId={userId} isAdmin={isAdmin} />
            ))}
          </ul>
          {feed.hasNextPage ? (
            <div className="mt-4 flex justify-center">
              <Button
                variant="outline"
                disabled={feed.isFetchingNextPage}
                onClick={() => void feed.fetchNextPage()}
              >
                {feed.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}
