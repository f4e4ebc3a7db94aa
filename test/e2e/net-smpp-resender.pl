#!/usr/bin/perl
# An ESME written with Perl's Net::SMPP (Debian libnet-smpp-perl) that behaves as SMPP 3.4 clients such as
# Kannel do (issue 18): COUNT submit_sm with registered_delivery, at most WINDOW outstanding; when the connection
# dies it reconnects, rebinds and sends again every submit it got no submit_sm_resp for. Then it waits for the
# receipt of every accepted id (answering every deliver_sm). One JSON object per event on stdout;
# faults-adoption.test.ts kills the node mid-load and asserts on them.
#
# usage: net-smpp-resender.pl HOST PORT SYSTEM_ID PASSWORD TAG COUNT WINDOW
use strict;
use warnings;
use Net::SMPP;
use JSON::PP;
use Time::HiRes qw(time sleep);

my ($host, $port, $system_id, $password, $tag, $count, $window) = @ARGV;
die "usage: $0 HOST PORT SYSTEM_ID PASSWORD TAG COUNT WINDOW\n" unless defined $window;
$| = 1;
$SIG{PIPE} = 'IGNORE';    # a write to the killed node's socket fails instead of ending the script
my $json = JSON::PP->new->canonical;
sub say_json { print $json->encode({ %{ $_[0] }, t => int(time * 1000) }), "\n" }

# Everything is bounded: a stuck exchange ends the script instead of hanging the test.
$SIG{ALRM} = sub { say_json({ event => 'timeout' }); exit 2 };
alarm 220;

sub connect_and_bind {
    my $until = time + 90;
    while (time < $until) {
        my ($smpp, $bind) = eval {
            Net::SMPP->new_transceiver($host, port => $port, system_id => $system_id, password => $password,
                system_type => '', timeout => 10);
        };
        return $smpp if $smpp && $bind && $bind->{status} == 0;
        sleep 0.25;
    }
    die "no rebind within 90 s\n";
}

my @queue = (0 .. $count - 1);    # messages not answered yet, in order
my (%id_of, %receipt_of);
my $smpp = connect_and_bind();
say_json({ event => 'bind' });
my %outstanding;                  # seq -> message index

sub on_deliver {
    my ($pdu) = @_;
    eval { $smpp->deliver_sm_resp(seq => $pdu->{seq}, message_id => '', async => 1) };
    return unless ($pdu->{esm_class} & 0x3c) == 0x04;
    my ($id) = $pdu->{short_message} =~ /\bid:(\S+)/;
    my ($stat) = $pdu->{short_message} =~ /\bstat:(\S+)/;
    $receipt_of{$id}++;
    say_json({ event => 'receipt', id => $id, stat => $stat });
}

while (@queue || %outstanding) {
    while (@queue && keys(%outstanding) < $window) {
        my $i = shift @queue;
        my $seq = eval {
            $smpp->submit_sm(source_addr => 'NETSMPP', destination_addr => sprintf('4477008%05d', $i),
                short_message => "$tag message $i", registered_delivery => 1, async => 1);
        };
        if (!$seq) { unshift @queue, $i; last }
        $outstanding{$seq} = $i;
        say_json({ event => 'sent', index => $i });
    }
    my $pdu = eval { $smpp->read_pdu() };
    if (!$pdu) {
        # The connection died: what has no answer is sent again on the next session.
        unshift @queue, sort { $a <=> $b } values %outstanding;
        %outstanding = ();
        say_json({ event => 'lost', unanswered => scalar(@queue) });
        $smpp = connect_and_bind();
        say_json({ event => 'rebind' });
        next;
    }
    if ($pdu->{cmd} == 0x00000005) { on_deliver($pdu); next }
    if ($pdu->{cmd} == 0x00000015) { eval { $smpp->enquire_link_resp(seq => $pdu->{seq}, async => 1) }; next }
    if ($pdu->{cmd} == 0x80000004 && exists $outstanding{ $pdu->{seq} }) {    # submit_sm_resp
        my $i = delete $outstanding{ $pdu->{seq} };
        (my $id = $pdu->{message_id} // '') =~ s/\0+$//;
        $id_of{$i} = $id if $pdu->{status} == 0;
        say_json({ event => 'answer', index => $i, status => $pdu->{status}, message_id => $id });
    }
}

# Every accepted id's receipt; a lost connection here is reconnected too (receipts are stored and forwarded).
my %wanted = map { $_ => 1 } values %id_of;
while (grep { !$receipt_of{$_} } keys %wanted) {
    my $pdu = eval { $smpp->read_pdu() };
    if (!$pdu) { $smpp = connect_and_bind(); say_json({ event => 'rebind' }); next }
    on_deliver($pdu) if $pdu->{cmd} == 0x00000005;
    eval { $smpp->enquire_link_resp(seq => $pdu->{seq}, async => 1) } if $pdu->{cmd} == 0x00000015;
}
say_json({ event => 'done', accepted => scalar(keys %wanted) });
eval { $smpp->unbind(async => 1); $smpp->close() };
