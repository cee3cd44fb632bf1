import { useUsers } from '../../api/users.ts';
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx';
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
          <Card className="overflow-x-auto p-0 sm:p-0">
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
                  <th scope="col" className="hidden px-4 py-2 sm:table-cell">
                    Signed up
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.data.map((user) => (
                  <tr key={user.id} className="border-b border-border last:border-0">
                    <td className="px-4 py-2">{user.name}</td>
                    <td className="px-4 py-2 break-all">{user.email}</td>
                    <td className="px-4 py-2">{user.groups.length > 0 ? user.groups.join(', ') : '—'}</td>
                    <td className="hidden px-4 py-2 text-muted-foreground sm:table-cell">
                      {new Date(user.created_at).toLocaleString()}
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
