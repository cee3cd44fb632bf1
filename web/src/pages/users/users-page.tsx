import { useUsers } from '../../api/users.ts';
import { Email } from '../../components/copy-id.tsx';
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx';
import { formatDateTime } from '../../components/date-time.ts';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';

/** Admin: the people who have signed up, newest first. */
export function UsersPage() {
  const pages = useCursorPages();
  const users = useUsers(pages.current);
  return (
    <div>
      <PageHeader title="Users" description="Everyone who has signed up, newest first." />
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.data.length === 0 ? (
        <Empty title="Nobody has signed up yet" />
      ) : (
        <>
          {/* A phone gets one card per person, so the date and the whole email stay on screen. */}
          <Card className="py-1 sm:hidden">
            <ul className="divide-y divide-border" aria-label="Users">
              {users.data.data.map((user) => (
                <li key={user.id} className="py-2 text-sm" data-testid="user-row">
                  <p className="font-medium">{user.name}</p>
                  <Email email={user.email} />
                  <p className="text-muted-foreground">
                    {user.groups.length > 0 ? `${user.groups.join(', ')} · ` : ''}
                    Signed up {formatDateTime(user.created_at)}
                  </p>
                </li>
              ))}
            </ul>
          </Card>
          <Card className="hidden overflow-x-auto p-0 sm:block sm:p-0">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Users</caption>
              <thead className="border-b border-border text-muted-foreground">
                <tr>
                  <th scope="col" className="px-4 py-2">
                    Name
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Email
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Groups
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Signed up
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.data.map((user) => (
                  <tr key={user.id} className="border-b border-border last:border-0">
                    <td className="px-4 py-2">{user.name}</td>
                    <td className="max-w-64 px-4 py-2">
                      <Email email={user.email} />
                    </td>
                    <td className="px-4 py-2">{user.groups.length > 0 ? user.groups.join(', ') : '—'}</td>
                    <td className="px-4 py-2 whitespace-nowrap text-muted-foreground">
                      {formatDateTime(user.created_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <CursorPager pages={pages} page={users.data} isPlaceholderData={users.isPlaceholderData} />
        </>
      )}
    </div>
  );
}
