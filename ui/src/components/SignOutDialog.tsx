import { useId, useState } from "react";
import type { LocationAccount } from "../bindings";
import { useSignOut } from "../hooks/session";
import { ConfirmDialog } from "./ConfirmDialog";
import { CheckboxField } from "./forms";
import { useToast } from "./Toasts";

/**
 * "Sign out of <location>?", optionally deleting the contacts cached on this computer.
 * Afterwards the next signed-in location becomes active, or the sign-in screen shows.
 */
export function SignOutDialog({ account, onClose }: { account: LocationAccount; onClose: () => void }) {
  const [deleteCache, setDeleteCache] = useState(false);
  const id = useId();
  const signOut = useSignOut();
  const toast = useToast();
  const name = account.name || account.locationId;

  return (
    <ConfirmDialog
      title={`Sign out of ${name}?`}
      confirmLabel="Sign out"
      pendingLabel="Signing out"
      testId="sign-out-dialog"
      confirmTestId="confirm-sign-out"
      action="sign out"
      pending={signOut.isPending}
      error={signOut.error}
      onClose={onClose}
      onConfirm={() =>
        signOut.mutate(
          { locationId: account.locationId, deleteCache },
          {
            onSuccess: () => {
              toast.show({
                tone: "success",
                title: `Signed out of ${name}`,
                message: deleteCache ? "Its contacts were deleted from this computer." : undefined,
              });
              onClose();
            },
          },
        )
      }
    >
      <p>Switchboard forgets the sign-in to {name} on this computer. You can sign in again at any time.</p>
      <CheckboxField
        id={`${id}-delete-cache`}
        name="deleteCache"
        label="Also delete this location’s contacts saved on this computer"
        hint="Leave it unchecked to keep them for the next sign-in; check it on a shared computer."
        checked={deleteCache}
        onChange={setDeleteCache}
        disabled={signOut.isPending}
        testId="sign-out-delete-cache"
      />
    </ConfirmDialog>
  );
}
